/// Labels naming a scrape-time collector.
public struct CollectorLabels: MetricLabels {
    public static let names = ["collector"]
    public var collector: String
    public var values: [String] { [collector] }
    public init(collector: String) { self.collector = collector }
}

/// How the scrape-time collectors fared: each reports its own duration and failures.
public enum ScrapeMetrics {
    public static let collectorDuration = MetricDefinition<CollectorLabels>.gauge(
        "vigil_scrape_collector_duration_seconds",
        help: "How long the collector took during the last scrape, in seconds.",
        unit: .seconds,
        example: #"vigil_scrape_collector_duration_seconds{collector="process"} 0.00012"#)

    public static let collectorFailuresTotal = MetricDefinition<CollectorLabels>.counter(
        "vigil_scrape_collector_failures_total",
        help: "Scrapes in which the collector failed or timed out; its metrics were left out of that scrape.",
        example: #"vigil_scrape_collector_failures_total{collector="process"} 0"#)

    /// Every family of this domain, for the catalog.
    public static let all: [MetricDescriptor] = [collectorDuration.descriptor, collectorFailuresTotal.descriptor]
}
