/// A source of values read at scrape time (kernel counters, /proc), instead of stored ones.
public protocol ScrapeCollector: Sendable {
    /// The `collector` label of its duration and failure metrics, e.g. `process` or `ipvs`.
    var name: String { get }
    /// Reads the current values; throwing leaves this collector's families out of the scrape.
    func collect() async throws -> CollectedMetrics
}

/// One sample read by a collector.
public struct CollectedSample: Sendable, Hashable {
    public let labelValues: [String]
    public let value: Double
}

/// The samples one collector read, by family.
public struct CollectedMetrics: Sendable {
    private(set) var samples: [String: [CollectedSample]] = [:]

    public init() {}

    /// Adds a sample of a family defined with `source: .collected`; other definitions are ignored.
    public mutating func add<L>(_ definition: MetricDefinition<L>, _ labels: L, _ value: Double) {
        guard definition.descriptor.source == .collected else { return }
        samples[definition.name, default: []].append(CollectedSample(labelValues: labels.values, value: value))
    }

    /// Adds a sample of an unlabelled collected family.
    public mutating func add(_ definition: MetricDefinition<NoLabels>, _ value: Double) {
        add(definition, NoLabels(), value)
    }

    /// Folds another collector's samples in.
    mutating func merge(_ other: CollectedMetrics) {
        samples.merge(other.samples) { $0 + $1 }
    }

    /// The samples of one family, or none.
    public func samples(of name: String) -> [CollectedSample] { samples[name] ?? [] }
}
