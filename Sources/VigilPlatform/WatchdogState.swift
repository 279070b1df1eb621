import VigilCore

/// Whether the service manager expects watchdog keep-alives from this process (sd_watchdog_enabled).
public enum WatchdogState: Sendable, Equatable, CustomStringConvertible {
    case disabled
    case enabled(interval: Seconds)
    /// WATCHDOG_USEC or WATCHDOG_PID is set but malformed; the text is the errno message.
    case invalid(String)

    public var description: String {
        switch self {
        case .disabled: "disabled"
        case .enabled(let interval): "enabled, every \(interval)"
        case .invalid(let reason): "invalid environment (\(reason))"
        }
    }
}
