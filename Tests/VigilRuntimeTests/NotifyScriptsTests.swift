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

    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// A scratch directory with a script that sleeps `$1` seconds, then appends `$2` to `log`.
    struct Scratch {
        let directory: URL
        var log: String { directory.appendingPathComponent("log").path }
        var script: String { directory.appendingPathComponent("record.sh").path }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-notify-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try "#!/bin/sh\nsleep \"$1\"\necho \"$2\" >> \(directory.appendingPathComponent("log").path)\n"
                .write(toFile: directory.appendingPathComponent("record.sh").path, atomically: true, encoding: .utf8)
            chmod(directory.appendingPathComponent("record.sh").path, 0o755)
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
        func lines() -> [String] { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init) }
        func run(_ keyword: String, sleep: String, _ word: String) -> NotifyScripts.Run {
            NotifyScripts.Run(keyword: keyword, arguments: [script, sleep, word], user: nil, group: nil)
        }
    }

    static func waitFor(_ condition: () -> Bool, within limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    @Test("Scripts of an instance run in transition order; failures are counted", .timeLimit(.minutes(1)))
    func execution() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let registry = try MetricRegistry()
        let runner = NotifyRunner(registry: registry, logger: Self.quiet)
        runner.enqueue([scratch.run("notify_master", sleep: "0.05", "first"), scratch.run("notify", sleep: "0", "second")], instance: "VI_1")
        runner.enqueue([scratch.run("notify_backup", sleep: "0", "third")], instance: "VI_1")
        runner.enqueue([NotifyScripts.Run(keyword: "notify_fault", arguments: ["/bin/sh", "-c", "exit 3"], user: nil, group: nil)], instance: "VI_1")
        runner.enqueue([NotifyScripts.Run(keyword: "notify_stop", arguments: ["/nonexistent/script"], user: nil, group: nil)], instance: "VI_1")
        #expect(await runner.drained(within: .seconds(20)))
        #expect(scratch.lines() == ["first", "second", "third"])
        let text = String(decoding: MetricsExposition(registry: registry, collectors: []).render(.text, collected: CollectedMetrics()), as: UTF8.self)
        #expect(text.contains("vigil_vrrp_notify_runs_total{vrrp_instance=\"VI_1\",notify=\"notify_stop\"} 1"))
        #expect(text.contains("vigil_vrrp_notify_failures_total{vrrp_instance=\"VI_1\",notify=\"notify_stop\"} 1"), "a missing script")
        #expect(text.contains("vigil_vrrp_notify_failures_total{vrrp_instance=\"VI_1\",notify=\"notify_fault\"} 1"))
        #expect(!text.contains("vigil_vrrp_notify_failures_total{vrrp_instance=\"VI_1\",notify=\"notify_master\"}"))
    }

    @Test("A slow script is never killed: after the order wait its instance's next script starts, and another instance never waits", .timeLimit(.minutes(1)))
    func slowScriptsAreNotKilled() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let runner = NotifyRunner(registry: try MetricRegistry(), logger: Self.quiet, orderWait: .milliseconds(300))
        runner.enqueue([scratch.run("notify_master", sleep: "1.5", "slow")], instance: "VI_1")
        runner.enqueue([scratch.run("notify_backup", sleep: "0", "next")], instance: "VI_1")
        runner.enqueue([scratch.run("notify_master", sleep: "0", "other")], instance: "VI_2")
        #expect(await Self.waitFor({ scratch.lines().contains("other") }, within: .milliseconds(250)), "VI_2 waited for VI_1")
        #expect(await Self.waitFor({ scratch.lines().contains("next") }, within: .seconds(1)))
        #expect(!scratch.lines().contains("slow"))
        #expect(await Self.waitFor({ scratch.lines().contains("slow") }, within: .seconds(5)), "the slow script was killed")
        #expect(scratch.lines() == ["other", "next", "slow"])
    }

    @Test("Once shutdown begins, notify_stop starts before enqueue returns, even behind a script that hangs", .timeLimit(.minutes(1)))
    func shutdownStartsAtOnce() async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let runner = NotifyRunner(registry: try MetricRegistry(), logger: Self.quiet)
        runner.enqueue([scratch.run("notify_master", sleep: "3", "never")], instance: "VI_1")
        runner.beginShutdown()
        let started = ContinuousClock.now
        runner.enqueue([scratch.run("notify_stop", sleep: "0", "stopped")], instance: "VI_1")
        #expect(ContinuousClock.now - started < .milliseconds(100))
        #expect(await Self.waitFor({ scratch.lines() == ["stopped"] }, within: .seconds(2)))
    }
}
