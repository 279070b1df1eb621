import Prometheus

/// The stored series of one family, kept in swift-prometheus registries of its own.
///
/// Owning the registries is what makes swift-prometheus's run-time traps unreachable: they only
/// ever see one name, one type and one label arity, and the help text is written by our renderer.
/// Labelled families are spread over several registries by a hash of their label values because
/// the library copies a family's whole series table for every new series; with one registry,
/// creating n series costs n² (measured: 26k series took 6 s), with 64 shards it costs n²/64.
final class MetricFamilyStore: Sendable {
    static let shardCount = 64

    let descriptor: MetricDescriptor
    let shards: [PrometheusCollectorRegistry]

    init(_ descriptor: MetricDescriptor) {
        self.descriptor = descriptor
        let count = descriptor.labelNames.isEmpty ? 1 : Self.shardCount
        shards = (0..<count).map { _ in PrometheusCollectorRegistry() }
    }

    /// The library's own descriptor; built per call because the library's type is not Sendable.
    private var nameDescriptor: MetricNameDescriptor {
        MetricNameDescriptor(metricName: descriptor.name, unitName: "", helpText: "")
    }

    private func shard(for labels: [String]) -> PrometheusCollectorRegistry {
        guard shards.count > 1 else { return shards[0] }
        var hasher = Hasher()
        for value in labels { hasher.combine(value) }
        let index = Int(UInt(bitPattern: hasher.finalize()) % UInt(shards.count))
        return shards[index]
    }

    func counter(_ labels: [String]) -> Counter {
        let pairs = labelPairs(labels)
        let storage = shard(for: labels)
        return pairs.isEmpty
            ? storage.makeCounter(descriptor: nameDescriptor)
            : storage.makeCounter(descriptor: nameDescriptor, labels: pairs)
    }

    func gauge(_ labels: [String]) -> Gauge {
        let pairs = labelPairs(labels)
        let storage = shard(for: labels)
        return pairs.isEmpty
            ? storage.makeGauge(descriptor: nameDescriptor)
            : storage.makeGauge(descriptor: nameDescriptor, labels: pairs)
    }

    func histogram(_ labels: [String]) -> ValueHistogram {
        let pairs = labelPairs(labels)
        let storage = shard(for: labels)
        return pairs.isEmpty
            ? storage.makeValueHistogram(descriptor: nameDescriptor, buckets: descriptor.buckets)
            : storage.makeValueHistogram(descriptor: nameDescriptor, labels: pairs, buckets: descriptor.buckets)
    }

    func remove(_ labels: [String]) {
        let storage = shard(for: labels)
        switch descriptor.kind {
        case .counter: storage.unregisterCounter(counter(labels))
        case .gauge: storage.unregisterGauge(gauge(labels))
        case .histogram: storage.unregisterValueHistogram(histogram(labels))
        }
    }

    /// Appends every series' sample lines to `output`, using `scratch` as working space.
    /// Returns false when the family has no series.
    func appendSamples(to output: inout [UInt8], scratch: inout [UInt8]) -> Bool {
        var wrote = false
        for storage in shards {
            scratch.removeAll(keepingCapacity: true)
            storage.emit(into: &scratch)
            // swift-prometheus starts each registry's output with its own TYPE line; ours replaces it.
            guard let endOfTypeLine = scratch.firstIndex(of: UInt8(ascii: "\n")), endOfTypeLine + 1 < scratch.count else {
                continue
            }
            output.append(contentsOf: scratch[(endOfTypeLine + 1)...])
            wrote = true
        }
        return wrote
    }

    private func labelPairs(_ values: [String]) -> [(String, String)] {
        Array(zip(descriptor.labelNames, values))
    }
}
