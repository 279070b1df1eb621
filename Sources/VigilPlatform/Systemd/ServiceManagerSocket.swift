#if canImport(Glibc)
import Glibc
#endif
import CSystemd
import VigilTelemetry

/// The service manager's notification socket (NOTIFY_SOCKET), through libsystemd's sd_notify.
///
/// Without NOTIFY_SOCKET (not started by systemd) every send is a no-op, so callers never branch.
public struct ServiceManagerSocket: Sendable {
    /// Whether NOTIFY_SOCKET names a socket; read once, at start.
    public let isConnected: Bool

    public init() {
        isConnected = getenv("NOTIFY_SOCKET").map { $0.pointee != 0 } ?? false
    }

    /// Sends one notification; returns the errno text when the socket refused it.
    @discardableResult
    public func send(_ notification: ServiceNotification) -> String? {
        guard isConnected else { return nil }
        // sd_notify opens, sends and closes a socket per call: safe from any thread.
        let status = sd_notify(0, notification.text)
        return status < 0 ? String(cString: strerror(-status)) : nil
    }

    /// CLOCK_MONOTONIC in microseconds, the clock systemd compares MONOTONIC_USEC with.
    public static func monotonicMicroseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1000
    }
}
