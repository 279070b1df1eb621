import Prometheus

/// The stored series of one family, kept in a swift-prometheus registry of its own.
///
/// One registry per family is what makes swift-prometheus's run-time traps unreachable: each
/// registry only ever sees one name, one type and one label arity, and the help text is written by
/// our renderer, not by the library.
final class MetricFamilyStore: Sendable {
    let descriptor: MetricDescriptor
    let storage = PrometheusCollectorRegistry()

    init(_ descriptor: MetricDescriptor) {
        self.descriptor = descriptor
    }

    /// The library's own descriptor; built per call because the library's type is not Sendable.
    private var nameDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(metricName: descriptor.name, unitName: "", helpText: "")
    }

    func counter(_ labels: [String]) -> Counter {
        let pairs = labelPairs(labels)
        return pairs.isEmpty
            ? storage.makeCounter(descriptor: nameDescriptor)
            : storage.makeCounter(descriptor: nameDescriptor, labels: pairs)
    }

    func gauge(_ labels: [String]) -> Gauge {
        let pairs = labelPairs(labels)
        return pairs.isEmpty
            ? storage.makeGauge(descriptor: nameDescriptor)
            : storage.makeGauge(descriptor: nameDescriptor, labels: pairs)
    }

    func histogram(_ labels: [String]) -> ValueHistogram {
        let pairs = labelPairs(labels)
        return pairs.isEmpty
            ? storage.makeValueHistogram(descriptor: nameDescriptor, buckets: descriptor.buckets)
            : storage.makeValueHistogram(descriptor: nameDescriptor, labels: pairs, buckets: descriptor.buckets)
    }

    func remove(_ labels: [String]) {
        switch descriptor.kind {
        case .counter: storage.unregisterCounter(counter(labels))
        case .gauge: storage.unregisterGauge(gauge(labels))
        case .histogram: storage.unregisterValueHistogram(histogram(labels))
        }
    }

    private func labelPairs(_ values: [String]) -> [(String, String)] {
        Array(zip(descriptor.labelNames, values))
    }
}
