import Logging
import Synchronization
import Testing
import VigilCheck
import VigilConfig
import VigilCore
import VigilIPVS
import VigilTelemetry
@testable import VigilRuntime

@Suite("Check engine: reconfigure on reload", .timeLimit(.minutes(1)))
struct CheckEngineReloadTests {
    typealias Harness = CheckEngineTests.Harness
    static let service = CheckEngineTests.service

    /// One virtual server with these real servers; `timeouts` gives a real server's connect_timeout.
    static func config(_ reals: [String], timeouts: [String: Int] = [:], scheduler: String = "rr") -> Configuration {
        let body = reals.map { address in
            """
              real_server \(address) 80 {
                TCP_CHECK {
                  connect_timeout \(timeouts[address] ?? 1)
                  retry 1
                  delay_before_retry 0.02
                }
              }
            """
        }.joined(separator: "\n")
        let result = ConfigLoader.load(text: """
            virtual_server 192.0.2.10 80 {
              delay_loop 0.05
              lvs_sched \(scheduler)
              lvs_method DR
              protocol TCP
            \(body)
            }
            """)
        #expect(!result.hasErrors, "\(result.diagnostics.errors)")
        return result.configuration
    }

    /// Builds probes for a reload, recording which real servers got a new one.
    final class ProbeMaker: Sendable {
        let existing: [String: SwitchProbe]
        let made = Mutex<[String: SwitchProbe]>([:])
        init(_ existing: [String: SwitchProbe]) { self.existing = existing }
        func make(_ checker: Checker, _ real: RealServer, _ server: VirtualServer) -> any HealthProbe {
            let probe = SwitchProbe()
            made.withLock { $0["\(real.address.value)"] = probe }
            return probe
        }
        var names: [String] { made.withLock { $0.keys.sorted() } }
    }

    static func checks(_ text: String, _ real: String) -> Double {
        let prefix = #"vigil_checks_total{virtual_server="192.0.2.10:80/tcp",real_server="\#(real):80",checker="TCP_CHECK",result="success"} "#
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) else { return -1 }
        return Double(line.dropFirst(prefix.count)) ?? -1
    }

    @Test("a real server added: the others keep state and counters, the kernel gets one add_destination")
    func addRealServer() async throws {
        let kernel = FakeIPVSKernel()
        let lab = try Harness(Self.config(["198.51.100.1", "198.51.100.2"]), kernel: kernel)
        await lab.engine.start()
        lab.probes["198.51.100.2"]?.set(up: false)
        #expect(await lab.eventually { await kernel.weights(Self.service) == ["198.51.100.1": 1] })
        #expect(await lab.eventually { Self.checks(lab.metrics, "198.51.100.1") >= 3 })
        let before = Self.checks(lab.metrics, "198.51.100.1")
        let batchesBefore = await kernel.batches.count
        let maker = ProbeMaker(lab.probes)

        let lines = await lab.engine.reconfigure(
            configuration: Self.config(["198.51.100.1", "198.51.100.2", "198.51.100.3"]), makeProbe: maker.make)

        #expect(maker.names == ["198.51.100.3"], "only the new real server gets a probe")
        #expect(lines == ["virtual_server changed 192.0.2.10:80/tcp"])
        #expect(await kernel.weights(Self.service) == ["198.51.100.1": 1, "198.51.100.3": 1], "the down server stays out")
        let sent = await kernel.batches.dropFirst(batchesBefore).joined()
        #expect(Array(sent).count == 1)
        if case .addDestination(_, let destination)? = sent.first {
            #expect("\(destination.key.address)" == "198.51.100.3")
        } else {
            Issue.record("expected one add_destination, got \(Array(sent))")
        }
        let text = lab.metrics
        #expect(text.contains(#"vigil_real_server_up{virtual_server="192.0.2.10:80/tcp",real_server="198.51.100.2:80"} 0"#))
        #expect(text.contains(#"vigil_real_server_up{virtual_server="192.0.2.10:80/tcp",real_server="198.51.100.1:80"} 1"#))
        #expect(Self.checks(text, "198.51.100.1") >= before, "the counter was not reset")
        #expect(await lab.eventually { Self.checks(lab.metrics, "198.51.100.1") > before }, "the kept checker keeps running")
        #expect(await lab.eventually { Self.checks(lab.metrics, "198.51.100.3") >= 1 }, "the new checker runs")
        #expect(text.contains(#"vigil_real_server_transitions_total{virtual_server="192.0.2.10:80/tcp",real_server="198.51.100.2:80",to="down"} 1"#))
        #expect(!text.contains(#"real_server="198.51.100.1:80",to="#), "no transition for the kept server")
        // The kept probe object is the one still in use: its answer still moves the server.
        lab.probes["198.51.100.2"]?.set(up: true)
        #expect(await lab.eventually { await kernel.weights(Self.service).count == 3 })
        await lab.engine.shutdown()
    }

    @Test("a removed real server leaves the table and its series go")
    func removeRealServer() async throws {
        let kernel = FakeIPVSKernel()
        let lab = try Harness(Self.config(["198.51.100.1", "198.51.100.2"]), kernel: kernel)
        await lab.engine.start()
        #expect(await lab.eventually { Self.checks(lab.metrics, "198.51.100.2") >= 1 })
        let maker = ProbeMaker(lab.probes)
        _ = await lab.engine.reconfigure(configuration: Self.config(["198.51.100.1"]), makeProbe: maker.make)
        #expect(maker.names.isEmpty)
        #expect(await kernel.weights(Self.service) == ["198.51.100.1": 1])
        let text = lab.metrics
        #expect(!text.contains(#"real_server="198.51.100.2:80""#), "series of the removed real server remain")
        let runs = lab.probes["198.51.100.2"]?.runs ?? 0
        try await Task.sleep(for: .milliseconds(200))
        #expect((lab.probes["198.51.100.2"]?.runs ?? 0) <= runs + 1, "the removed checker still runs")
        await lab.engine.shutdown()
    }

    @Test("changed checker settings get a new slot; a new scheduler is one edit_service")
    func changedSettings() async throws {
        let kernel = FakeIPVSKernel()
        let lab = try Harness(Self.config(["198.51.100.1", "198.51.100.2"]), kernel: kernel)
        await lab.engine.start()
        let batchesBefore = await kernel.batches.count
        let maker = ProbeMaker(lab.probes)
        _ = await lab.engine.reconfigure(
            configuration: Self.config(["198.51.100.1", "198.51.100.2"], timeouts: ["198.51.100.2": 3], scheduler: "wlc"),
            makeProbe: maker.make)
        #expect(maker.names == ["198.51.100.2"])
        let sent = Array(await kernel.batches.dropFirst(batchesBefore).joined())
        #expect(sent.count == 1 && sent.first?.metricName == "edit_service", "\(sent)")
        #expect(await kernel.table.services[Self.service]?.scheduler == "wlc")
        await lab.engine.shutdown()
    }
}
