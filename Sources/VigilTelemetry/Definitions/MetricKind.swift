/// The Prometheus type of a metric family.
public enum MetricKind: String, Sendable, Hashable, Codable {
    case counter
    case gauge
    case histogram
}

/// The base unit a metric's name ends with, declared so the catalog can check the suffix.
public enum MetricUnit: String, Sendable, Hashable, Codable {
    case seconds
    case bytes
    case ratio
}

/// Where a family's values live: in the registry, or read from elsewhere at scrape time.
public enum MetricSource: String, Sendable, Hashable, Codable {
    /// Updated by the engines as things happen; the registry holds the value.
    case stored
    /// Read by a `ScrapeCollector` when a scrape asks (kernel and /proc values).
    case collected
}
