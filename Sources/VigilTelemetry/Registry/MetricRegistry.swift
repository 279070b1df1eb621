/// The metrics registry: one store per catalog family, created up front, read by scrapes.
///
/// Engines ask for a series through its typed `MetricDefinition`, so a series always has the
/// family's type, help text and label names. Updating a series is an atomic operation; a scrape
/// never holds a lock an engine waits on for longer than copying one family's series list.
public final class MetricRegistry: Sendable {
    let families: [String: MetricFamilyStore]
    /// Stored families in name order, so every scrape lists them the same way.
    let storedFamilies: [MetricFamilyStore]
    public let catalog: [MetricDescriptor]

    /// Builds the registry for `catalog`; refuses a catalog that breaks `MetricCatalogRules`.
    public init(catalog: [MetricDescriptor] = MetricCatalog.all) throws(MetricCatalogError) {
        let problems = MetricCatalogRules.problems(in: catalog)
        guard problems.isEmpty else { throw MetricCatalogError(problems: problems) }
        var families: [String: MetricFamilyStore] = [:]
        for descriptor in catalog { families[descriptor.name] = MetricFamilyStore(descriptor) }
        self.families = families
        self.catalog = catalog.sorted { $0.name < $1.name }
        storedFamilies = self.catalog.filter { $0.source == .stored }.compactMap { families[$0.name] }
    }

    /// The counter series of `definition` with `labels`, created at zero on first use.
    public func counter<L>(_ definition: MetricDefinition<L>, _ labels: L) -> CounterSeries {
        CounterSeries(counter: store(for: definition.descriptor, kind: .counter)?.counter(labels.values))
    }

    /// The gauge series of `definition` with `labels`, created at zero on first use.
    public func gauge<L>(_ definition: MetricDefinition<L>, _ labels: L) -> GaugeSeries {
        GaugeSeries(gauge: store(for: definition.descriptor, kind: .gauge)?.gauge(labels.values))
    }

    /// The histogram series of `definition` with `labels`, created empty on first use.
    public func histogram<L>(_ definition: MetricDefinition<L>, _ labels: L) -> HistogramSeries {
        HistogramSeries(histogram: store(for: definition.descriptor, kind: .histogram)?.histogram(labels.values))
    }

    /// Removes one series (a deleted instance or real server), so it stops being exported.
    public func remove<L>(_ definition: MetricDefinition<L>, _ labels: L) {
        store(for: definition.descriptor, kind: definition.descriptor.kind)?.remove(labels.values)
    }

    /// The stored family for a definition; nil (and the update is dropped) when the definition
    /// is not this registry's, which the catalog tests rule out for every built-in definition.
    private func store(for descriptor: MetricDescriptor, kind: MetricKind) -> MetricFamilyStore? {
        guard let store = families[descriptor.name], store.descriptor == descriptor, descriptor.source == .stored,
            descriptor.kind == kind
        else { return nil }
        return store
    }
}

extension MetricRegistry {
    /// The counter of an unlabelled family.
    public func counter(_ definition: MetricDefinition<NoLabels>) -> CounterSeries { counter(definition, NoLabels()) }
    /// The gauge of an unlabelled family.
    public func gauge(_ definition: MetricDefinition<NoLabels>) -> GaugeSeries { gauge(definition, NoLabels()) }
    /// The histogram of an unlabelled family.
    public func histogram(_ definition: MetricDefinition<NoLabels>) -> HistogramSeries {
        histogram(definition, NoLabels())
    }
}
