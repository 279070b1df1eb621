/// How often vigild pings the systemd watchdog and how fast engines must prove progress for it.
///
/// systemd restarts a service that stays silent for WATCHDOG_USEC; sd_watchdog_enabled(3) advises
/// pinging at half that. Pings go out at 45 % of the interval, on a fixed rate, so that scheduling
/// jitter never stretches a gap past the half. A ping is only worth something if it means the engines run, so engines
/// beat at a quarter of the interval and count as stalled after three quarters: a stall stops the
/// pings within one interval, well before systemd's second missed deadline.
public struct WatchdogPolicy: Sendable, Equatable {
    /// WATCHDOG_USEC, or nil when the service manager expects no keep-alives.
    public let interval: Duration?

    /// Engines beat at least this often, watchdog or not.
    public static let defaultPulse = Duration.seconds(1)
    /// And may stay silent this long before /healthz reports them stalled.
    public static let defaultDeadline = Duration.seconds(3)

    public init(interval: Duration?) {
        self.interval = interval.flatMap { $0 > .zero ? $0 : nil }
    }

    /// Time between WATCHDOG=1 datagrams.
    public var pingPeriod: Duration? { interval.map { $0 * 9 / 20 } }

    /// Time between the engines' heartbeats.
    public var pulse: Duration {
        guard let interval else { return Self.defaultPulse }
        return min(Self.defaultPulse, interval / 4)
    }

    /// How long an engine may stay silent before it holds the pings back.
    public var engineDeadline: Duration {
        guard let interval else { return Self.defaultDeadline }
        return min(Self.defaultDeadline, interval * 3 / 4)
    }

    /// Ping when every engine is within its deadline; otherwise name the ones that are not.
    public static func verdict(_ report: [EngineHealth]) -> WatchdogVerdict {
        let stalled = report.filter { !$0.healthy }.map(\.engine)
        return stalled.isEmpty ? .ping : .withhold(stalled: stalled)
    }
}

/// What the watchdog does on one tick.
public enum WatchdogVerdict: Sendable, Equatable {
    case ping
    /// Engines that made no progress within their deadline, in name order.
    case withhold(stalled: [String])
}
