import Foundation
import Logging
import Testing
import VigilConfig
import VigilTelemetry
import VigilVRRP
@testable import VigilRuntime

@Suite("Notify scripts")
struct NotifyScriptsTests {
    static func scripts(_ body: String) throws -> NotifyScripts {
        let result = ConfigLoader.load(text: """
            vrrp_instance VI_1 {
              interface eth0
              virtual_router_id 51
              priority 100
              virtual_ipaddress {
                192.0.2.100/24
              }
            \(body)
            }
            """)
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        return NotifyScripts(instance, scripts: result.configuration.global.globalDefs.scripts)
    }

    @Test("keepalived's convention: the state's own script, then notify with INSTANCE NAME STATE PRIORITY")
    func arguments() throws {
        let scripts = try Self.scripts("""
              notify_master "/etc/vigil/to-master.sh now"
              notify_stop /etc/vigil/stop.sh
              notify /etc/vigil/any.sh
            """)
        let master = scripts.runs(for: VRRPTransition(from: .backup, to: .master, reason: .masterDownTimer), priority: 90)
        #expect(master.map(\.keyword) == ["notify_master", "notify"])
        #expect(master.map(\.arguments) == [["/etc/vigil/to-master.sh", "now"], ["/etc/vigil/any.sh", "INSTANCE", "VI_1", "MASTER", "90"]])
        let backup = scripts.runs(for: VRRPTransition(from: .master, to: .backup, reason: .higherPriorityAdvert), priority: 100)
        #expect(backup.map(\.arguments) == [["/etc/vigil/any.sh", "INSTANCE", "VI_1", "BACKUP", "100"]])
        let stop = scripts.runs(for: VRRPTransition(from: .master, to: .stopped, reason: .shutdown), priority: 100)
        #expect(stop.map(\.keyword) == ["notify_stop", "notify"])
        #expect(stop.last?.arguments.last(where: { $0 == "STOP" }) == "STOP")
        #expect(scripts.runs(for: VRRPTransition(from: .initialize, to: .backup, reason: .startup), priority: 100).count == 1)
    }

    @Test("Scripts run in transition order; failures and timeouts are counted", .timeLimit(.minutes(1)))
    func execution() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-notify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("log").path
        let script = directory.appendingPathComponent("record.sh").path
        try "#!/bin/sh\nsleep 0.05\necho \"$*\" >> \(log)\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let registry = try MetricRegistry()
        let runner = NotifyRunner(registry: registry, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }), timeout: .milliseconds(300))
        func run(_ keyword: String, _ arguments: [String]) -> NotifyScripts.Run {
            NotifyScripts.Run(keyword: keyword, arguments: arguments, user: nil, group: nil)
        }
        runner.enqueue([run("notify_master", [script, "first"]), run("notify", [script, "second"])], instance: "VI_1")
        runner.enqueue([run("notify_backup", [script, "third"])], instance: "VI_1")
        runner.enqueue([run("notify_fault", ["/bin/sh", "-c", "exit 3"])], instance: "VI_1")
        runner.enqueue([run("notify_stop", ["/bin/sleep", "5"])], instance: "VI_1")
        runner.enqueue([run("notify_stop", ["/nonexistent/script"])], instance: "VI_1")
        await runner.drain()
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "first\nsecond\nthird\n")
        let text = String(decoding: MetricsExposition(registry: registry, collectors: []).render(.text, collected: CollectedMetrics()), as: UTF8.self)
        #expect(text.contains("vigil_vrrp_notify_runs_total{vrrp_instance=\"VI_1\",notify=\"notify_stop\"} 2"))
        #expect(text.contains("vigil_vrrp_notify_failures_total{vrrp_instance=\"VI_1\",notify=\"notify_stop\"} 2"), "a timeout and a missing script")
        #expect(text.contains("vigil_vrrp_notify_failures_total{vrrp_instance=\"VI_1\",notify=\"notify_fault\"} 1"))
        #expect(!text.contains("vigil_vrrp_notify_failures_total{vrrp_instance=\"VI_1\",notify=\"notify_master\"}"))
    }
}
