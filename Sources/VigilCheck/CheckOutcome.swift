/// What one run of a health checker found.
public enum CheckOutcome: Sendable, Hashable {
    case success
    /// A passing MISC_CHECK with misc_dynamic (or a dynamic FILE_CHECK) that asks for a new weight.
    case successWithWeight(Int)
    case failure(CheckFailure)

    public var passed: Bool {
        if case .failure = self { return false }
        return true
    }

    /// The `result` label of `vigil_checks_total`: "success" or the failure reason.
    public var resultLabel: String {
        switch self {
        case .success, .successWithWeight: "success"
        case .failure(let failure): failure.reason.rawValue
        }
    }
}

/// Why a check failed, with details for the log.
public struct CheckFailure: Sendable, Hashable, Error {
    public let reason: CheckFailureReason
    /// One line for the log ("HTTP status 503, expected 200", "connection refused").
    public let detail: String

    public init(_ reason: CheckFailureReason, _ detail: String) {
        self.reason = reason
        self.detail = detail
    }
}

/// The bounded set of failure reasons, so metric labels stay few.
public enum CheckFailureReason: String, Sendable, Hashable, CaseIterable {
    /// connect_timeout (or misc_timeout) elapsed.
    case timeout
    case refused
    case reset
    /// No route, host or network unreachable, ICMP errors.
    case unreachable
    /// The HTTP status code is not one of those expected.
    case status
    /// The body's digest differs from the expected one.
    case digest
    /// TLS handshake or certificate failure.
    case tls
    /// The peer answered something the checker did not expect (bad banner, DNS answer, UDP reply).
    case badReply = "bad_reply"
    /// A MISC_CHECK script exited non-zero or was killed.
    case exitStatus = "exit_status"
    /// FILE_CHECK: the file says down, or cannot be read.
    case file
    /// Anything else (socket errors, resources); the detail says what.
    case error
}
