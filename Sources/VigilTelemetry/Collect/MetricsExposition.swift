import VigilCore
/// Produces a whole /metrics response: stored families, then what the collectors read, in name order.
public final class MetricsExposition: Sendable {
    public let registry: MetricRegistry
    let collectors: [any ScrapeCollector]
    let collectorTimeout: Duration

    public init(registry: MetricRegistry, collectors: [any ScrapeCollector], collectorTimeout: Duration = .seconds(5)) {
        self.registry = registry
        self.collectors = collectors
        self.collectorTimeout = collectorTimeout
        // Known series start at zero rather than appearing on first use.
        for format in ExpositionFormat.allCases {
            registry.counter(HTTPMetrics.scrapesTotal, FormatLabels(format: format)).increment(by: 0)
        }
        _ = registry.histogram(HTTPMetrics.scrapeRenderSeconds)
        for collector in collectors {
            registry.counter(ScrapeMetrics.collectorFailuresTotal, CollectorLabels(collector: collector.name)).increment(by: 0)
        }
    }

    /// Runs every collector concurrently (each bounded by the timeout), records how each fared,
    /// and reports the failures so the caller can log them.
    public func collect() async -> (metrics: CollectedMetrics, failures: [(collector: String, failure: CollectorFailure)]) {
        let timeout = collectorTimeout
        let registry = registry
        let results = await withTaskGroup(of: (String, Result<CollectedMetrics, CollectorFailure>).self) { group in
            for collector in collectors {
                group.addTask {
                    let clock = ContinuousClock()
                    let start = clock.now
                    let result = await CollectorDeadline.run(collector, timeout: timeout)
                    let labels = CollectorLabels(collector: collector.name)
                    registry.gauge(ScrapeMetrics.collectorDuration, labels).set((clock.now - start).inSeconds)
                    let failures = registry.counter(ScrapeMetrics.collectorFailuresTotal, labels)
                    if case .failure = result { failures.increment() } else { failures.increment(by: 0) }
                    return (collector.name, result)
                }
            }
            var all: [(String, Result<CollectedMetrics, CollectorFailure>)] = []
            for await result in group { all.append(result) }
            return all
        }
        var merged = CollectedMetrics()
        var failures: [(collector: String, failure: CollectorFailure)] = []
        for (name, result) in results.sorted(by: { $0.0 < $1.0 }) {
            switch result {
            case .success(let metrics): merged.merge(metrics)
            case .failure(let failure): failures.append((name, failure))
            }
        }
        return (merged, failures)
    }

    /// Renders the registry and `collected` in `format`. Synchronous and CPU-bound: run it off
    /// the engines' executors.
    public func render(_ format: ExpositionFormat, collected: CollectedMetrics) -> [UInt8] {
        let clock = ContinuousClock()
        let start = clock.now
        var writer = ExpositionWriter(format: format, capacity: 64 * 1024)
        var scratch: [UInt8] = []
        for descriptor in registry.catalog {
            switch descriptor.source {
            case .stored:
                guard let store = registry.families[descriptor.name] else { continue }
                // The header goes first and is taken back when the family turns out to be empty.
                let mark = writer.buffer.count
                writer.header(descriptor)
                if !store.appendSamples(to: &writer.buffer, scratch: &scratch) {
                    writer.buffer.removeSubrange(mark...)
                }
            case .collected:
                let samples = collected.samples(of: descriptor.name)
                guard !samples.isEmpty else { continue }
                writer.header(descriptor)
                for sample in samples {
                    writer.sample(
                        name: descriptor.name, labelNames: descriptor.labelNames, labelValues: sample.labelValues,
                        value: sample.value)
                }
            }
        }
        writer.finish()
        registry.counter(HTTPMetrics.scrapesTotal, FormatLabels(format: format)).increment()
        registry.histogram(HTTPMetrics.scrapeRenderSeconds).observe(clock.now - start)
        return writer.buffer
    }
}
