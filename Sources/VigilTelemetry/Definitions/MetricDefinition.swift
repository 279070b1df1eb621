/// Everything known about one metric family except its labels' type: what the catalog holds.
public struct MetricDescriptor: Sendable, Hashable, Codable {
    /// The full name, e.g. `vigil_config_reloads_total`.
    public let name: String
    public let kind: MetricKind
    /// One sentence for `# HELP`.
    public let help: String
    public let unit: MetricUnit?
    public let labelNames: [String]
    /// Upper bounds of histogram buckets, ascending; empty for other kinds.
    public let buckets: [Double]
    public let source: MetricSource
    /// A sample line for docs/METRICS.md.
    public let example: String

    /// The name OpenMetrics uses for the family: counters drop their `_total` suffix there.
    public var openMetricsFamilyName: String {
        if kind == .counter, name.hasSuffix("_total") { return String(name.dropLast("_total".count)) }
        return name
    }
}

/// A metric family defined once, typed by its labels; engines update series through it.
public struct MetricDefinition<Labels: MetricLabels>: Sendable {
    public let descriptor: MetricDescriptor

    /// Defines a counter; its name must end in `_total`.
    public static func counter(
        _ name: String, help: String, unit: MetricUnit? = nil, source: MetricSource = .stored, example: String
    ) -> MetricDefinition {
        MetricDefinition(name, .counter, help, unit, [], source, example)
    }

    /// Defines a gauge.
    public static func gauge(
        _ name: String, help: String, unit: MetricUnit? = nil, source: MetricSource = .stored, example: String
    ) -> MetricDefinition {
        MetricDefinition(name, .gauge, help, unit, [], source, example)
    }

    /// Defines a histogram with the given bucket upper bounds.
    public static func histogram(
        _ name: String, help: String, unit: MetricUnit? = nil, buckets: [Double], example: String
    ) -> MetricDefinition {
        MetricDefinition(name, .histogram, help, unit, buckets, .stored, example)
    }

    private init(
        _ name: String, _ kind: MetricKind, _ help: String, _ unit: MetricUnit?, _ buckets: [Double],
        _ source: MetricSource, _ example: String
    ) {
        descriptor = MetricDescriptor(
            name: name, kind: kind, help: help, unit: unit, labelNames: Labels.names, buckets: buckets,
            source: source, example: example)
    }

    public var name: String { descriptor.name }
}
