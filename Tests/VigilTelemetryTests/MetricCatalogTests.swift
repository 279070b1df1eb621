import Testing
@testable import VigilTelemetry

@Suite("Metric catalog")
struct MetricCatalogTests {
    @Test("Vigil's own catalog breaks no rule and the registry accepts it")
    func builtInCatalogIsSound() throws {
        #expect(MetricCatalogRules.problems(in: MetricCatalog.all) == [])
        let registry = try MetricRegistry()
        #expect(registry.catalog.count == MetricCatalog.all.count)
    }

    @Test("The catalog holds the metrics the issue asks for")
    func requiredMetricsExist() {
        let names = Set(MetricCatalog.all.map(\.name))
        for required in [
            "vigil_build_info", "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
            "process_max_fds", "process_start_time_seconds", "vigil_config_last_reload_successful",
            "vigil_config_last_reload_timestamp_seconds", "vigil_config_reloads_total",
            "vigil_config_reload_failures_total", "vigil_config_warnings",
            "vigil_scrape_collector_duration_seconds", "vigil_scrape_collector_failures_total",
        ] {
            #expect(names.contains(required), "\(required) is missing")
        }
        let buildInfo = MetricCatalog.all.first { $0.name == "vigil_build_info" }
        #expect(buildInfo?.labelNames == ["version", "revision", "swift_version"])
    }

    static let good = MetricDefinition<NoLabels>.counter("vigil_good_total", help: "Good.", example: "vigil_good_total 1").descriptor

    struct InstanceLabels: MetricLabels {
        static let names = ["instance"]
        var values: [String] { ["x"] }
    }

    struct TwiceLabels: MetricLabels {
        static let names = ["a", "a"]
        var values: [String] { ["x", "y"] }
    }

    @Test(
        "Each rule refuses what it should, naming the metric",
        arguments: [
            ([good, good], "vigil_good_total: defined twice"),
            ([MetricDefinition<NoLabels>.counter("vigil_things", help: "Things.", example: "vigil_things 1").descriptor],
             "vigil_things: a counter's name must end in _total"),
            ([MetricDefinition<NoLabels>.gauge("vigil_level_total", help: "Level.", example: "vigil_level_total 1").descriptor],
             "vigil_level_total: only counters end in _total"),
            ([MetricDefinition<NoLabels>.gauge("vigil_wait_seconds", help: "Wait.", example: "vigil_wait_seconds 1").descriptor],
             "vigil_wait_seconds: ends in _seconds but declares unit none"),
            ([MetricDefinition<NoLabels>.gauge("vigil_wait", help: "Wait.", unit: .seconds, example: "vigil_wait 1").descriptor],
             "vigil_wait: declares unit seconds but does not end in _seconds"),
            ([MetricDefinition<NoLabels>.gauge("vigil_wait_ms", help: "Wait.", example: "vigil_wait_ms 1").descriptor],
             "vigil_wait_ms: use base units (seconds, bytes, ratio), not _ms"),
            ([MetricDefinition<NoLabels>.gauge("vigilThings", help: "Things.", example: "vigilThings 1").descriptor],
             "vigilThings: not lower snake_case"),
            ([MetricDefinition<NoLabels>.gauge("other_things", help: "Things.", example: "other_things 1").descriptor],
             "other_things: must start with vigil_ (or process_ for the standard process metrics)"),
            ([MetricDefinition<InstanceLabels>.gauge("vigil_up", help: "Up.", example: "vigil_up 1").descriptor],
             "vigil_up: label instance is reserved (Prometheus owns it); name what it is, e.g. vrrp_instance"),
            ([MetricDefinition<TwiceLabels>.gauge("vigil_up", help: "Up.", example: "vigil_up 1").descriptor],
             "vigil_up: label a appears twice"),
            ([MetricDefinition<NoLabels>.gauge("vigil_up", help: "no full stop", example: "vigil_up 1").descriptor],
             "vigil_up: HELP must be a sentence ending in a full stop"),
            ([MetricDefinition<NoLabels>.gauge("vigil_up", help: "A \"quoted\" word.", example: "vigil_up 1").descriptor],
             "vigil_up: HELP may not contain backslashes, quotes or line breaks"),
            ([MetricDefinition<NoLabels>.histogram("vigil_x_seconds", help: "X.", unit: .seconds, buckets: [], example: "vigil_x_seconds_bucket 1").descriptor],
             "vigil_x_seconds: a histogram needs buckets"),
            ([MetricDefinition<NoLabels>.histogram("vigil_x_seconds", help: "X.", unit: .seconds, buckets: [1, 0.5], example: "vigil_x_seconds_bucket 1").descriptor],
             "vigil_x_seconds: buckets must be finite and strictly ascending"),
            ([MetricDefinition<NoLabels>.histogram("vigil_x_seconds", help: "X.", unit: .seconds, buckets: [1], example: "vigil_x_seconds 1").descriptor,
              MetricDefinition<NoLabels>.gauge("vigil_x_seconds_count", help: "X.", example: "vigil_x_seconds_count 1").descriptor],
             "vigil_x_seconds_count: clashes with the series of vigil_x_seconds"),
            ([MetricDefinition<NoLabels>.gauge("vigil_up", help: "Up.", example: "vigil_down 1").descriptor],
             "vigil_up: the example must show a sample of this family"),
        ] as [([MetricDescriptor], String)])
    func rulesFire(catalog: [MetricDescriptor], problem: String) {
        let problems = MetricCatalogRules.problems(in: catalog)
        #expect(problems.contains(problem), "got \(problems)")
    }

    @Test("The registry refuses a broken catalog instead of trapping later")
    func registryRefusesBrokenCatalog() {
        #expect(throws: MetricCatalogError.self) { try MetricRegistry(catalog: [Self.good, Self.good]) }
    }

    @Test("A definition that is not in the registry's catalog changes nothing and exports nothing")
    func foreignDefinitionIsDropped() throws {
        let registry = try MetricRegistry(catalog: [Self.good])
        let stranger = MetricDefinition<NoLabels>.counter("vigil_stranger_total", help: "Stranger.", example: "vigil_stranger_total 1")
        registry.counter(stranger).increment()
        let text = String(decoding: MetricsExposition(registry: registry, collectors: []).render(.text, collected: CollectedMetrics()), as: UTF8.self)
        #expect(!text.contains("vigil_stranger_total"))
    }
}
