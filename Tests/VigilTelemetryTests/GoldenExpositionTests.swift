import Foundation
import Testing
@testable import VigilTelemetry

/// Renders every family of the catalog with fixed values and compares with fixtures our own code
/// wrote. `VIGIL_UPDATE_GOLDEN=1 swift test --filter GoldenExposition` rewrites them; review the diff.
@Suite("Golden exposition")
struct GoldenExpositionTests {
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// A registry holding a known value in every stored family.
    static func filledRegistry() throws -> MetricRegistry {
        let registry = try MetricRegistry()
        registry.gauge(DaemonMetrics.buildInfo, BuildInfoLabels(version: "0.1.0", revision: "abc123def456", swiftVersion: "6.3")).set(1)
        registry.gauge(DaemonMetrics.startTime).set(1_700_000_000)
        registry.gauge(DaemonMetrics.engineLastProgress, EngineLabels(engine: "runtime")).set(1_700_000_001.5)
        registry.gauge(DaemonMetrics.engineHealthy, EngineLabels(engine: "runtime")).set(true)
        registry.gauge(ConfigMetrics.lastReloadSuccessful).set(true)
        registry.gauge(ConfigMetrics.lastReloadTimestamp).set(1_700_000_000)
        registry.counter(ConfigMetrics.reloadsTotal).increment(by: 3)
        registry.counter(ConfigMetrics.reloadFailuresTotal).increment()
        for (severity, count) in [("error", 0), ("warning", 2), ("note", 1)] {
            registry.gauge(ConfigMetrics.warnings, SeverityLabels(severity: severity)).set(count)
        }
        registry.counter(HTTPMetrics.requestsTotal, HTTPRequestLabels(handler: "/metrics", code: 200)).increment(by: 5)
        registry.counter(HTTPMetrics.requestsTotal, HTTPRequestLabels(handler: "other", code: 404)).increment()
        for value in [0.0004, 0.003, 0.2] { registry.histogram(HTTPMetrics.scrapeRenderSeconds).observe(value) }
        registry.gauge(ScrapeMetrics.collectorDuration, CollectorLabels(collector: "process")).set(0.00025)
        registry.counter(ScrapeMetrics.collectorFailuresTotal, CollectorLabels(collector: "process")).increment(by: 0)
        let instance = VRRPInstanceLabels(vrrpInstance: "VI_1")
        for state in ["init", "backup", "master", "fault", "stopped"] {
            registry.gauge(VRRPMetrics.state, VRRPStateLabels(vrrpInstance: "VI_1", interface: "eth0", vrid: 51, state: state))
                .set(state == "master")
        }
        registry.gauge(VRRPMetrics.configuredPriority, instance).set(100)
        registry.gauge(VRRPMetrics.effectivePriority, instance).set(90)
        registry.counter(VRRPMetrics.transitionsTotal, VRRPTransitionLabels(vrrpInstance: "VI_1", from: "backup", to: "master", reason: "master_down_timer")).increment()
        registry.gauge(VRRPMetrics.lastTransitionTimestamp, instance).set(1_700_000_002)
        registry.gauge(VRRPMetrics.vipOwned, VIPLabels(vrrpInstance: "VI_1", vip: "192.0.2.100/24", interface: "eth0")).set(1)
        registry.gauge(VRRPMetrics.masterHeard, VRRPMasterHeardLabels(vrrpInstance: "VI_2", master: "192.0.2.1")).set(1)
        registry.counter(VRRPMetrics.advertsSentTotal, instance).increment(by: 3600)
        registry.counter(VRRPMetrics.advertsReceivedTotal, instance).increment(by: 12)
        registry.counter(VRRPMetrics.priorityZeroSentTotal, instance).increment(by: 0)
        registry.counter(VRRPMetrics.priorityZeroReceivedTotal, instance).increment()
        registry.counter(VRRPMetrics.packetsDroppedTotal, VRRPDropLabels(vrrpInstance: "VI_1", reason: "auth_mismatch")).increment(by: 4)
        registry.counter(VRRPMetrics.gratuitousARPsSentTotal, instance).increment(by: 10)
        registry.counter(VRRPMetrics.neighborAdvertisementsSentTotal, instance).increment(by: 0)
        let notify = VRRPNotifyLabels(vrrpInstance: "VI_1", notify: "notify_master")
        registry.counter(VRRPNotifyMetrics.runsTotal, notify).increment(by: 2)
        registry.counter(VRRPNotifyMetrics.failuresTotal, notify).increment(by: 0)
        let virtualServer = VirtualServerLabels(virtualServer: "192.0.2.10:80/tcp")
        let realServer = RealServerLabels(virtualServer: "192.0.2.10:80/tcp", realServer: "198.51.100.2:80")
        let checker = CheckerLabels(virtualServer: "192.0.2.10:80/tcp", realServer: "198.51.100.2:80", checker: "HTTP_GET")
        registry.gauge(CheckMetrics.realServerUp, realServer).set(1)
        registry.gauge(CheckMetrics.realServerWeight, realServer).set(1)
        registry.counter(
            CheckMetrics.realServerTransitionsTotal,
            RealServerTransitionLabels(virtualServer: "192.0.2.10:80/tcp", realServer: "198.51.100.2:80", to: "down")
        ).increment()
        registry.histogram(CheckMetrics.checkDuration, checker).observe(0.0042)
        registry.counter(
            CheckMetrics.checksTotal,
            CheckResultLabels(virtualServer: "192.0.2.10:80/tcp", realServer: "198.51.100.2:80", checker: "HTTP_GET", result: "success")
        ).increment(by: 120)
        registry.gauge(CheckMetrics.quorumUp, virtualServer).set(1)
        registry.gauge(CheckMetrics.realServersUp, virtualServer).set(2)
        registry.gauge(CheckMetrics.realServersConfigured, virtualServer).set(2)
        registry.gauge(CheckMetrics.sorryServerActive, virtualServer).set(0)
        let lvsNotify = CheckNotifyLabels(virtualServer: "192.0.2.10:80/tcp", notify: "notify_down")
        registry.counter(CheckMetrics.notifyRunsTotal, lvsNotify).increment()
        registry.counter(CheckMetrics.notifyFailuresTotal, lvsNotify).increment(by: 0)
        registry.gauge(IPVSMetrics.available).set(1)
        registry.counter(IPVSMetrics.operationsTotal, IPVSOperationLabels(operation: "add_destination", result: "ok")).increment(by: 2)
        registry.gauge(IPVSMetrics.lastReconcileTimestamp).set(1_700_000_003)
        registry.gauge(WatchdogMetrics.interval).set(10)
        registry.counter(WatchdogMetrics.pingsTotal).increment(by: 720)
        registry.gauge(WatchdogMetrics.lastPing).set(1_700_003_600)
        registry.gauge(WatchdogMetrics.stalled, EngineLabels(engine: "vrrp")).set(false)
        registry.counter(WatchdogMetrics.withheldTotal, EngineLabels(engine: "vrrp")).increment(by: 0)
        registry.counter(MailMetrics.sentTotal).increment(by: 3)
        registry.counter(MailMetrics.failedTotal, MailStageLabels(stage: "auth")).increment(by: 2)
        registry.counter(MailMetrics.suppressedTotal, MailSuppressedLabels(reason: "coalesced")).increment(by: 18)
        registry.gauge(MailMetrics.queueLength).set(1)
        registry.gauge(MailMetrics.lastSuccess).set(1_700_000_004)
        return registry
    }

    static func processSamples() -> CollectedMetrics {
        var collected = CollectedMetrics()
        collected.add(ProcessMetrics.cpuSecondsTotal, 1.25)
        collected.add(ProcessMetrics.residentMemory, 25_165_824)
        collected.add(ProcessMetrics.virtualMemory, 314_572_800)
        collected.add(ProcessMetrics.openFDs, 14)
        collected.add(ProcessMetrics.maxFDs, 65536)
        collected.add(ProcessMetrics.startTime, 1_699_999_999.5)
        collected.add(ProcessMetrics.threads, 6)
        let service = IPVSServiceLabels(localAddress: "192.0.2.10", localPort: "80", proto: "tcp", localMark: "")
        collected.add(IPVSMetrics.serviceConnectionsTotal, service, 42)
        collected.add(IPVSMetrics.serviceIncomingPacketsTotal, service, 420)
        collected.add(IPVSMetrics.serviceOutgoingPacketsTotal, service, 0)
        collected.add(IPVSMetrics.serviceIncomingBytesTotal, service, 31337)
        collected.add(IPVSMetrics.serviceOutgoingBytesTotal, service, 0)
        let backend = IPVSBackendLabels(service: service, remoteAddress: "198.51.100.2", remotePort: "80")
        collected.add(IPVSMetrics.backendConnectionsTotal, backend, 21)
        collected.add(IPVSMetrics.backendIncomingPacketsTotal, backend, 210)
        collected.add(IPVSMetrics.backendOutgoingPacketsTotal, backend, 0)
        collected.add(IPVSMetrics.backendIncomingBytesTotal, backend, 15000)
        collected.add(IPVSMetrics.backendOutgoingBytesTotal, backend, 0)
        collected.add(IPVSMetrics.backendActiveConnections, backend, 3)
        collected.add(IPVSMetrics.backendInactiveConnections, backend, 12)
        collected.add(IPVSMetrics.backendWeight, backend, 1)
        return collected
    }

    /// Series order inside a family is not part of the format; sort it so fixtures are stable.
    static func normalized(_ text: String) -> String {
        var out: [String] = []
        var samples: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("#") {
                out += samples.sorted()
                samples = []
                out.append(line)
            } else {
                samples.append(line)
            }
        }
        out += samples.sorted()
        return out.filter { !$0.isEmpty }.joined(separator: "\n") + "\n"
    }

    @Test("Text format 0.0.4 and OpenMetrics 1.0 match their fixtures", arguments: ExpositionFormat.allCases)
    func matchesGolden(format: ExpositionFormat) throws {
        let exposition = MetricsExposition(registry: try Self.filledRegistry(), collectors: [])
        let rendered = Self.normalized(String(decoding: exposition.render(format, collected: Self.processSamples()), as: UTF8.self))
        let fixture = Self.goldenDirectory.appendingPathComponent(format == .text ? "daemon.prom" : "daemon.openmetrics")
        if ProcessInfo.processInfo.environment["VIGIL_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.goldenDirectory, withIntermediateDirectories: true)
            try rendered.write(to: fixture, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: fixture, encoding: .utf8)
        #expect(rendered == expected)
    }

    @Test("Every catalog family appears in the golden exposition with HELP and TYPE")
    func everyFamilyIsCovered() throws {
        let exposition = MetricsExposition(registry: try Self.filledRegistry(), collectors: [])
        let text = String(decoding: exposition.render(.text, collected: Self.processSamples()), as: UTF8.self)
        for metric in MetricCatalog.all where metric.name != HTTPMetrics.scrapesTotal.name {
            #expect(text.contains("# HELP \(metric.name) \(metric.help)\n"), "\(metric.name) has no HELP")
            #expect(text.contains("# TYPE \(metric.name) \(metric.kind.rawValue)\n"), "\(metric.name) has no TYPE")
        }
    }

    @Test("OpenMetrics drops _total from counter families, declares units and ends with # EOF")
    func openMetricsShape() throws {
        let exposition = MetricsExposition(registry: try Self.filledRegistry(), collectors: [])
        let text = String(decoding: exposition.render(.openMetrics, collected: Self.processSamples()), as: UTF8.self)
        #expect(text.hasSuffix("# EOF\n"))
        #expect(text.contains("# TYPE vigil_config_reloads counter\nvigil_config_reloads_total 3\n"))
        #expect(text.contains("# UNIT process_cpu_seconds seconds\n"))
        #expect(!text.contains("# TYPE vigil_config_reloads_total"))
        let plain = String(decoding: exposition.render(.text, collected: Self.processSamples()), as: UTF8.self)
        #expect(!plain.contains("# EOF"))
        #expect(!plain.contains("# UNIT"))
    }
}
