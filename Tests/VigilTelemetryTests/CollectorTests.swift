import Dispatch
import Testing
@testable import VigilTelemetry

/// A collector that answers with fixed values.
struct FixedCollector: ScrapeCollector {
    let name: String
    let openFDs: Double
    func collect() async throws -> CollectedMetrics {
        var metrics = CollectedMetrics()
        metrics.add(ProcessMetrics.openFDs, openFDs)
        return metrics
    }
}

/// A collector that fails the way a netlink read might.
struct FailingCollector: ScrapeCollector {
    struct Broken: Error, CustomStringConvertible { var description: String { "netlink says no" } }
    let name = "broken"
    func collect() async throws -> CollectedMetrics { throw Broken() }
}

/// A collector stuck in a call that ignores cancellation, like a blocking read (without holding a thread).
struct HungCollector: ScrapeCollector {
    let name = "hung"
    func collect() async throws -> CollectedMetrics {
        await withCheckedContinuation { (resume: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().asyncAfter(deadline: .now() + 30) { resume.resume() }
        }
        var metrics = CollectedMetrics()
        metrics.add(ProcessMetrics.threads, 1)
        return metrics
    }
}

@Suite("Scrape-time collectors")
struct CollectorTests {
    @Test("Failing and hung collectors are timed, counted and left out; the others still report", .timeLimit(.minutes(1)))
    func failuresAreContained() async throws {
        let registry = try MetricRegistry()
        let exposition = MetricsExposition(
            registry: registry, collectors: [FixedCollector(name: "fixed", openFDs: 12), FailingCollector(), HungCollector()],
            collectorTimeout: .milliseconds(200))
        let clock = ContinuousClock()
        let start = clock.now
        let (collected, failures) = await exposition.collect()
        #expect(clock.now - start < .seconds(15), "the scrape waited for the hung collector (30 s)")
        #expect(failures.map(\.collector) == ["broken", "hung"])
        #expect(failures.map { "\($0.failure)" } == ["netlink says no", "no answer within 0.2 seconds"])
        let text = String(decoding: exposition.render(.text, collected: collected), as: UTF8.self)
        #expect(text.contains("\nprocess_open_fds 12\n"))
        #expect(!text.contains("process_threads"))
        #expect(text.contains("vigil_scrape_collector_failures_total{collector=\"broken\"} 1\n"))
        #expect(text.contains("vigil_scrape_collector_failures_total{collector=\"hung\"} 1\n"))
        #expect(text.contains("vigil_scrape_collector_failures_total{collector=\"fixed\"} 0\n"))
        #expect(text.contains("vigil_scrape_collector_duration_seconds{collector=\"fixed\"}"))
    }
}

@Suite("Engine progress")
struct EngineProgressTests {
    @Test("An engine is healthy only within its deadline after a beat")
    func deadlines() {
        var progress = EngineProgress([
            EngineDeadline(engine: "vrrp", deadline: .seconds(2)), EngineDeadline(engine: "checks", deadline: .seconds(5)),
        ])
        var report = progress.report(at: .seconds(10))
        #expect(report.map(\.healthy) == [false, false])
        #expect(report.map(\.problem) == ["engine checks has not started", "engine vrrp has not started"])
        progress.beat("vrrp", at: .seconds(10))
        progress.beat("checks", at: .seconds(10))
        progress.beat("unknown", at: .seconds(10))
        report = progress.report(at: .milliseconds(12_000))
        #expect(report.map(\.engine) == ["checks", "vrrp"])
        #expect(report.map(\.healthy) == [true, true])
        report = progress.report(at: .milliseconds(12_001))
        #expect(report.map(\.healthy) == [true, false])
        #expect(report[1].problem == "engine vrrp made no progress for 2001 ms (deadline 2000 ms)")
        #expect(progress.report(at: .seconds(100)).first?.problem == "engine checks made no progress for 90 s (deadline 5000 ms)")
    }
}
