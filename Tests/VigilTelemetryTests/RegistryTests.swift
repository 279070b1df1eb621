import Testing
@testable import VigilTelemetry

@Suite("Metric registry")
struct RegistryTests {
    static func text(_ registry: MetricRegistry, _ collected: CollectedMetrics = CollectedMetrics()) -> String {
        String(decoding: MetricsExposition(registry: registry, collectors: []).render(.text, collected: collected), as: UTF8.self)
    }

    @Test("Counters only go up: negative, zero and NaN increments change nothing")
    func countersOnlyGoUp() throws {
        let registry = try MetricRegistry()
        let reloads = registry.counter(ConfigMetrics.reloadsTotal)
        reloads.increment(by: 2)
        reloads.increment(by: -5)
        reloads.increment(by: Double.nan)
        reloads.increment(by: -1.5)
        #expect(Self.text(registry).contains("\nvigil_config_reloads_total 2\n"))
    }

    @Test("The same labels reach the same series; removing a series stops its export")
    func seriesIdentityAndRemoval() throws {
        let registry = try MetricRegistry()
        let labels = EngineLabels(engine: "vrrp")
        registry.gauge(DaemonMetrics.engineHealthy, labels).set(true)
        registry.gauge(DaemonMetrics.engineHealthy, EngineLabels(engine: "vrrp")).increment(by: 2)
        #expect(Self.text(registry).contains("vigil_engine_healthy{engine=\"vrrp\"} 3.0\n"))
        registry.remove(DaemonMetrics.engineHealthy, labels)
        #expect(!Self.text(registry).contains("engine=\"vrrp\""))
    }

    @Test("Families without series are left out; no family is written twice")
    func emptyFamiliesAreOmitted() throws {
        let registry = try MetricRegistry()
        registry.counter(ConfigMetrics.reloadsTotal).increment()
        let text = Self.text(registry)
        #expect(!text.contains("vigil_config_warnings"))
        #expect(text.components(separatedBy: "# TYPE vigil_config_reloads_total").count == 2)
    }

    @Test("Collected samples of stored families are ignored, and stored updates of collected ones too")
    func sourcesStayApart() throws {
        let registry = try MetricRegistry()
        registry.gauge(ProcessMetrics.openFDs).set(99)
        var collected = CollectedMetrics()
        collected.add(ConfigMetrics.reloadsTotal, 42)
        collected.add(ProcessMetrics.openFDs, 7)
        let text = Self.text(registry, collected)
        #expect(text.contains("\nprocess_open_fds 7\n"))
        #expect(!text.contains("99"))
        #expect(!text.contains("42"))
    }

    @Test("Label values with quotes and backslashes are escaped in stored series")
    func storedEscaping() throws {
        let registry = try MetricRegistry()
        registry.gauge(DaemonMetrics.engineHealthy, EngineLabels(engine: "a\"b\\c")).set(1)
        #expect(Self.text(registry).contains(#"vigil_engine_healthy{engine="a\"b\\c"} 1.0"#))
    }

    @Test("Each render counts itself by format and observes its duration")
    func renderCountsItself() throws {
        let registry = try MetricRegistry()
        let exposition = MetricsExposition(registry: registry, collectors: [])
        _ = exposition.render(.text, collected: CollectedMetrics())
        _ = exposition.render(.openMetrics, collected: CollectedMetrics())
        let text = String(decoding: exposition.render(.text, collected: CollectedMetrics()), as: UTF8.self)
        #expect(text.contains("vigil_scrapes_total{format=\"text\"} 1\n"))
        #expect(text.contains("vigil_scrapes_total{format=\"openmetrics\"} 1\n"))
        #expect(text.contains("vigil_scrape_render_duration_seconds_count 2\n"))
    }
}

@Suite("Sharded family storage")
struct ShardedStorageTests {
    @Test("Thousands of series of one family render once each, under one HELP/TYPE header, and remove cleanly")
    func manySeries() throws {
        let registry = try MetricRegistry()
        for index in 0..<2000 {
            registry.counter(HTTPMetrics.requestsTotal, HTTPRequestLabels(handler: "h\(index)", code: 200)).increment(by: index + 1)
        }
        var text = RegistryTests.text(registry)
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("vigil_http_requests_total{") }
        #expect(lines.count == 2000)
        #expect(Set(lines).count == 2000)
        #expect(lines.contains("vigil_http_requests_total{handler=\"h41\",code=\"200\"} 42"))
        #expect(text.components(separatedBy: "# TYPE vigil_http_requests_total counter\n").count == 2)
        for index in 0..<2000 {
            registry.remove(HTTPMetrics.requestsTotal, HTTPRequestLabels(handler: "h\(index)", code: 200))
        }
        text = RegistryTests.text(registry)
        #expect(!text.contains("vigil_http_requests_total"))
    }
}
