/// One message to the service manager, in sd_notify's `KEY=VALUE` lines.
public enum ServiceNotification: Sendable, Equatable {
    /// Startup finished: configuration loaded, listeners bound, engines running.
    case ready(status: String)
    /// A reload began at `monotonicMicroseconds` (CLOCK_MONOTONIC), as systemd's Type=notify-reload asks.
    case reloading(monotonicMicroseconds: UInt64, status: String)
    /// Shutdown began.
    case stopping(status: String)
    /// The engines proved progress: the keep-alive.
    case watchdog
    /// A new one-line summary for `systemctl status`.
    case status(String)

    /// The datagram's text.
    public var text: String {
        switch self {
        case .ready(let status): "READY=1\nSTATUS=\(Self.oneLine(status))"
        case .reloading(let microseconds, let status):
            "RELOADING=1\nMONOTONIC_USEC=\(microseconds)\nSTATUS=\(Self.oneLine(status))"
        case .stopping(let status): "STOPPING=1\nSTATUS=\(Self.oneLine(status))"
        case .watchdog: "WATCHDOG=1"
        case .status(let status): "STATUS=\(Self.oneLine(status))"
        }
    }

    /// A newline would start a new assignment in the datagram, so STATUS keeps to one line.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0.isNewline ? " " : $0 })
    }
}
