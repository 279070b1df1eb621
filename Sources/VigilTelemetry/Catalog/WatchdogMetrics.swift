/// The systemd watchdog: whether it is on, when it was last fed, and which engine holds it back.
public enum WatchdogMetrics {
    public static let interval = MetricDefinition<NoLabels>.gauge(
        "vigil_watchdog_interval_seconds",
        help: "The systemd watchdog interval (WATCHDOG_USEC); 0 when systemd expects no keep-alives.",
        unit: .seconds,
        example: "vigil_watchdog_interval_seconds 10")

    public static let pingsTotal = MetricDefinition<NoLabels>.counter(
        "vigil_watchdog_pings_total",
        help: "WATCHDOG=1 keep-alives sent to systemd, each after every engine proved progress.",
        example: "vigil_watchdog_pings_total 1234")

    public static let lastPing = MetricDefinition<NoLabels>.gauge(
        "vigil_watchdog_last_ping_timestamp_seconds",
        help: "When the last WATCHDOG=1 was sent, in seconds since the Unix epoch; 0 before the first.",
        unit: .seconds,
        example: "vigil_watchdog_last_ping_timestamp_seconds 1.7644e+09")

    public static let stalled = MetricDefinition<EngineLabels>.gauge(
        "vigil_watchdog_stalled",
        help: "1 while this engine's missing progress holds the watchdog keep-alives back, else 0.",
        example: #"vigil_watchdog_stalled{engine="vrrp"} 0"#)

    public static let withheldTotal = MetricDefinition<EngineLabels>.counter(
        "vigil_watchdog_withheld_total",
        help: "Watchdog ticks on which this engine's missing progress held the keep-alive back.",
        example: #"vigil_watchdog_withheld_total{engine="vrrp"} 0"#)

    /// Every family of this domain, for the catalog.
    public static let all: [MetricDescriptor] = [
        interval.descriptor, pingsTotal.descriptor, lastPing.descriptor, stalled.descriptor, withheldTotal.descriptor,
    ]
}
