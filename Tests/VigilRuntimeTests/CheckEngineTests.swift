import Logging
import Synchronization
import Testing
import VigilCheck
import VigilConfig
import VigilCore
import VigilIPVS
import VigilTelemetry
@testable import VigilRuntime

/// A probe whose answer the test sets: up or down, counting its runs.
final class SwitchProbe: HealthProbe {
    let state = Mutex<(up: Bool, runs: Int)>((true, 0))
    func set(up: Bool) { state.withLock { $0.up = up } }
    var runs: Int { state.withLock { $0.runs } }
    func run() async -> CheckOutcome {
        let up = state.withLock { state in
            state.runs += 1
            return state.up
        }
        return up ? .success : .failure(CheckFailure(.refused, "connection refused"))
    }
}

/// A kernel table in memory that applies operations the way the kernel does.
actor FakeIPVSKernel: IPVSKernel {
    var table: IPVSTable
    private(set) var batches: [[IPVSOperation]] = []

    init(table: IPVSTable = IPVSTable()) { self.table = table }

    func snapshot() throws(IPVSReadFailure) -> IPVSSnapshot {
        IPVSSnapshot(table: table, serviceStatistics: [:], destinationStatistics: [:])
    }

    func apply(_ operations: [IPVSOperation]) -> [IPVSOperationFailure] {
        batches.append(operations)
        for operation in operations {
            switch operation {
            case .addService(let service), .editService(let service):
                table.services[service.key] = service
                if table.destinations[service.key] == nil { table.destinations[service.key] = [:] }
            case .deleteService(let key):
                table.services[key] = nil
                table.destinations[key] = nil
            case .addDestination(let key, let destination), .editDestination(let key, let destination):
                table.destinations[key, default: [:]][destination.key] = destination
            case .deleteDestination(let key, let destinationKey):
                table.destinations[key]?[destinationKey] = nil
            }
        }
        return []
    }

    func weights(_ key: IPVSServiceKey) -> [String: Int32] {
        var result: [String: Int32] = [:]
        for (destinationKey, destination) in table.destinations[key] ?? [:] { result["\(destinationKey.address)"] = destination.weight }
        return result
    }
}

@Suite("Check engine", .timeLimit(.minutes(1)))
struct CheckEngineTests {
    static let service = IPVSServiceKey.address(.tcp, .v4(IPv4Address(192, 0, 2, 10)), port: 80)

    static func config(extra: String = "", realServerExtra: String = "") -> Configuration {
        ConfigLoader.load(text: """
            virtual_server 192.0.2.10 80 {
              delay_loop 0.05
              lvs_sched rr
              lvs_method DR
              protocol TCP
              \(extra)
              real_server 198.51.100.1 80 {
                \(realServerExtra)
                TCP_CHECK {
                  connect_timeout 1
                  retry 1
                  delay_before_retry 0.02
                }
              }
              real_server 198.51.100.2 80 {
                \(realServerExtra)
                TCP_CHECK {
                  connect_timeout 1
                  retry 1
                  delay_before_retry 0.02
                }
              }
            }
            """).configuration
    }

    struct Harness {
        let engine: CheckEngine
        let probes: [String: SwitchProbe]
        let kernel: FakeIPVSKernel?
        let registry: MetricRegistry

        init(_ configuration: Configuration, kernel: FakeIPVSKernel?) throws {
            registry = try MetricRegistry()
            var probes: [String: SwitchProbe] = [:]
            for server in configuration.lvs.virtualServers {
                for real in server.realServers { probes["\(real.address.value)"] = SwitchProbe() }
            }
            let made = probes
            engine = CheckEngine(
                configuration: configuration, makeProbe: { _, real, _ in made["\(real.address.value)"] ?? SwitchProbe() },
                kernel: kernel, registry: registry,
                progress: ProgressBoard(engines: [EngineDeadline(engine: CheckEngine.engineName, deadline: .seconds(3))], registry: registry),
                logger: Logger(label: "test"), warmupFraction: { 0 })
            self.probes = probes
            self.kernel = kernel
        }

        var metrics: String {
            String(decoding: MetricsExposition(registry: registry, collectors: []).render(.text, collected: CollectedMetrics()), as: UTF8.self)
        }

        /// Polls until `condition` holds, for at most `seconds`.
        func eventually(_ seconds: Double = 5, _ condition: () async -> Bool) async -> Bool {
            let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
            while ContinuousClock.now < deadline {
                if await condition() { return true }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return await condition()
        }
    }

    @Test("A failing real server leaves IPVS after its retries and returns when it passes again")
    func realServerOutAndBackIn() async throws {
        let kernel = FakeIPVSKernel()
        let lab = try Harness(Self.config(), kernel: kernel)
        await lab.engine.start()
        #expect(await kernel.weights(Self.service) == ["198.51.100.1": 1, "198.51.100.2": 1])
        lab.probes["198.51.100.2"]?.set(up: false)
        #expect(await lab.eventually { await kernel.weights(Self.service) == ["198.51.100.1": 1] })
        let text = lab.metrics
        #expect(text.contains(#"vigil_real_server_up{virtual_server="192.0.2.10:80/tcp",real_server="198.51.100.2:80"} 0"#))
        #expect(text.contains(#"vigil_real_server_transitions_total{virtual_server="192.0.2.10:80/tcp",real_server="198.51.100.2:80",to="down"} 1"#))
        #expect(text.contains(#"result="refused"}"#))
        #expect(text.contains(#"vigil_virtual_server_real_servers_up{virtual_server="192.0.2.10:80/tcp"} 1"#))
        lab.probes["198.51.100.2"]?.set(up: true)
        #expect(await lab.eventually { await kernel.weights(Self.service) == ["198.51.100.1": 1, "198.51.100.2": 1] })
        #expect(lab.metrics.contains(#"vigil_ipvs_operations_total{operation="delete_destination",result="ok"} 1"#))
        await lab.engine.shutdown()
        #expect(await kernel.table.services.isEmpty)
    }

    @Test("Retries: one failure alone does not take a real server out")
    func retryAbsorbsOneFailure() async throws {
        let kernel = FakeIPVSKernel()
        let lab = try Harness(Self.config(), kernel: kernel)
        await lab.engine.start()
        let probe = try #require(lab.probes["198.51.100.2"])
        let before = probe.runs
        probe.set(up: false)
        #expect(await lab.eventually { probe.runs >= before + 1 })
        probe.set(up: true)
        // Long enough for many more rounds; the server never left.
        try await Task.sleep(for: .milliseconds(300))
        let batches = await kernel.batches
        #expect(!batches.joined().contains { if case .deleteDestination = $0 { return true } else { return false } })
        await lab.engine.shutdown()
    }

    @Test("inhibit_on_failure keeps a failed real server with weight 0")
    func inhibitOnFailure() async throws {
        let kernel = FakeIPVSKernel()
        let lab = try Harness(Self.config(realServerExtra: "inhibit_on_failure"), kernel: kernel)
        await lab.engine.start()
        lab.probes["198.51.100.1"]?.set(up: false)
        #expect(await lab.eventually { await kernel.weights(Self.service) == ["198.51.100.1": 0, "198.51.100.2": 1] })
        await lab.engine.shutdown()
    }

    @Test("Quorum lost: the sorry server takes the traffic")
    func sorryServer() async throws {
        let kernel = FakeIPVSKernel()
        let lab = try Harness(Self.config(extra: "quorum 2\n sorry_server 203.0.113.9 80"), kernel: kernel)
        await lab.engine.start()
        lab.probes["198.51.100.1"]?.set(up: false)
        #expect(await lab.eventually { await kernel.weights(Self.service)["203.0.113.9"] == 1 })
        #expect(lab.metrics.contains(#"vigil_virtual_server_quorum_up{virtual_server="192.0.2.10:80/tcp"} 0"#))
        lab.probes["198.51.100.1"]?.set(up: true)
        #expect(await lab.eventually { await kernel.weights(Self.service) == ["198.51.100.1": 1, "198.51.100.2": 1] })
        await lab.engine.shutdown()
    }

    @Test("A service configured by hand stays, through changes and shutdown")
    func unmanagedServiceUntouched() async throws {
        let foreignKey = IPVSServiceKey.address(.udp, .v4(IPv4Address(192, 0, 2, 53)), port: 53)
        var table = IPVSTable()
        table.services[foreignKey] = IPVSService(key: foreignKey, scheduler: "wlc")
        table.destinations[foreignKey] = [:]
        let kernel = FakeIPVSKernel(table: table)
        let lab = try Harness(Self.config(), kernel: kernel)
        await lab.engine.start()
        lab.probes["198.51.100.1"]?.set(up: false)
        #expect(await lab.eventually { await kernel.weights(Self.service) == ["198.51.100.2": 1] })
        await lab.engine.shutdown()
        #expect(await kernel.table.services.keys.sorted { "\($0)" < "\($1)" } == [foreignKey])
    }

    @Test("Without IPVS the checks still run and are exported")
    func withoutKernel() async throws {
        let lab = try Harness(Self.config(), kernel: nil)
        await lab.engine.start()
        lab.probes["198.51.100.1"]?.set(up: false)
        #expect(await lab.eventually {
            lab.metrics.contains(#"vigil_real_server_up{virtual_server="192.0.2.10:80/tcp",real_server="198.51.100.1:80"} 0"#)
        })
        #expect(lab.metrics.contains("vigil_ipvs_available 0"))
        let live = await lab.engine.liveStatus()
        #expect(live["192.0.2.10:80/tcp 198.51.100.1:80"]?.isUp == false)
        #expect(live["192.0.2.10:80/tcp 198.51.100.2:80"]?.lastResults == ["TCP_CHECK success"])
        await lab.engine.shutdown()
    }
}
