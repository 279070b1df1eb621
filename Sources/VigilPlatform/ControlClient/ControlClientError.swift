import VigilCore
/// Why a request could not be made: cannot connect (with errno text), timeout, malformed response.
public enum ControlClientError: Error, Sendable, CustomStringConvertible {
    /// The connection could not be opened; `reason` is the system's errno text.
    case cannotConnect(ControlEndpoint, reason: String)
    /// The request could not be sent or the answer not received; `reason` is the system's errno text.
    case transferFailed(ControlEndpoint, reason: String)
    /// No complete answer arrived within the timeout.
    case timedOut(ControlEndpoint, after: Duration)
    /// The answer is not valid HTTP/1.x, or the connection closed before it was complete.
    case malformedResponse(ControlEndpoint, reason: String)

    public var description: String {
        switch self {
        case .cannotConnect(let endpoint, let reason):
            return "cannot connect to vigild at \(endpoint): \(reason)"
        case .transferFailed(let endpoint, let reason):
            return "lost the connection to vigild at \(endpoint): \(reason)"
        case .timedOut(let endpoint, let after):
            return "no answer from vigild at \(endpoint) within \(Self.format(after))"
        case .malformedResponse(let endpoint, let reason):
            return "unreadable answer from vigild at \(endpoint): \(reason)"
        }
    }

    private static func format(_ duration: Duration) -> String {
        let milliseconds = duration.wholeMilliseconds
        if milliseconds % 1000 == 0 {
            let seconds = milliseconds / 1000
            return seconds == 1 ? "1 second" : "\(seconds) seconds"
        }
        return "\(milliseconds) ms"
    }
}
