/// The kernel's IPVS table as the engine uses it; the generic netlink adapter conforms, tests use a fake.
public protocol IPVSKernel: Sendable {
    /// Reads every service and destination with their counters.
    func snapshot() async throws(IPVSReadFailure) -> IPVSSnapshot
    /// Sends each operation in order; one that fails is reported and the rest are still sent.
    func apply(_ operations: [IPVSOperation]) async -> [IPVSOperationFailure]
}

/// Reading the table failed as a whole (the socket broke, the kernel refused the dump).
public struct IPVSReadFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// One operation the kernel refused, with its reason (the kernel's errno text).
public struct IPVSOperationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var operation: IPVSOperation
    /// The kernel's errno (positive), or 0 when the failure did not come from the kernel.
    public var errorNumber: Int32
    public var reason: String

    public init(operation: IPVSOperation, errorNumber: Int32, reason: String) {
        self.operation = operation
        self.errorNumber = errorNumber
        self.reason = reason
    }

    /// `add service TCP 192.0.2.1:80 (nosuch): No such file or directory (errno 2)`.
    public var description: String {
        errorNumber == 0 ? "\(operation): \(reason)" : "\(operation): \(reason) (errno \(errorNumber))"
    }
}

/// The kernel has no IPVS, or generic netlink cannot be used at all: Vigil runs on without IPVS.
public struct IPVSUnavailable: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why IPVS cannot be used.
    public enum Reason: Sendable, Hashable {
        /// The generic netlink family "IPVS" does not exist: ip_vs is not loaded or not built.
        case familyNotFound
        /// A generic netlink socket could not be opened or used; the detail says why.
        case netlink(String)
    }

    public var reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    public var description: String {
        switch reason {
        case .familyNotFound: "the kernel has no IPVS (generic netlink family IPVS not found); load ip_vs"
        case .netlink(let detail): "IPVS cannot be reached over generic netlink: \(detail)"
        }
    }
}
