import Foundation
import Glibc
import Logging
import Testing
import VigilConfig
import VigilTelemetry
@testable import VigilRuntime

@Suite("LVS notify scripts: order per real server, script_user")
struct LVSNotifierTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func scripts(_ globalDefs: String) throws -> GlobalScriptSettings {
        let result = ConfigLoader.load(text: "global_defs {\n\(globalDefs)\n}\nvirtual_server 192.0.2.100 80 {\n  real_server 198.51.100.11 80 {\n    TCP_CHECK {\n    }\n  }\n}\n")
        #expect(!result.hasErrors, "\(result.diagnostics.all)")
        return result.configuration.global.globalDefs.scripts
    }

    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-lvsnotify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Writable by the user a script drops to.
        chmod(directory.path, 0o777)
        return directory
    }

    static func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test("A quick down-then-up runs notify_down to its end before notify_up starts", .timeLimit(.minutes(1)))
    func orderPerRealServer() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("log").path
        let notifier = LVSNotifier(registry: try MetricRegistry(), logger: Self.quiet, scripts: try Self.scripts(""))
        // keepalived splits the command on spaces, so the work is in script files.
        let downScript = directory.appendingPathComponent("down.sh").path
        let upScript = directory.appendingPathComponent("up.sh").path
        try "#!/bin/sh\nsleep 0.3\necho down-$1 >> \(log)\n".write(toFile: downScript, atomically: true, encoding: .utf8)
        try "#!/bin/sh\necho up-$1 >> \(log)\n".write(toFile: upScript, atomically: true, encoding: .utf8)
        chmod(downScript, 0o755)
        chmod(upScript, 0o755)
        notifier.run(LVSNotifyScript(command: "\(downScript) rs1"), keyword: "notify_down", virtualServer: "vs", orderKey: "vs rs1")
        notifier.run(LVSNotifyScript(command: "\(upScript) rs1"), keyword: "notify_up", virtualServer: "vs", orderKey: "vs rs1")
        notifier.run(LVSNotifyScript(command: "\(upScript) rs2"), keyword: "notify_up", virtualServer: "vs", orderKey: "vs rs2")
        #expect(await notifier.drained(within: .seconds(10)))
        // rs2 did not wait for rs1; rs1's up came after its down had finished.
        #expect(Self.lines(log) == ["up-rs2", "down-rs1", "up-rs1"])
    }

    @Test("notify_up runs as global_defs script_user (uid 65534 for nobody), not as root",
          .enabled(if: geteuid() == 0, "needs root to switch users"), .timeLimit(.minutes(1)))
    func scriptUserApplies() async throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("uid").path
        let script = directory.appendingPathComponent("whoami.sh").path
        try "#!/bin/sh\nid -u > \(out)\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let notifier = LVSNotifier(registry: try MetricRegistry(), logger: Self.quiet, scripts: try Self.scripts("script_user nobody"))
        notifier.run(LVSNotifyScript(command: script), keyword: "notify_up", virtualServer: "vs", orderKey: "vs rs1")
        #expect(await notifier.drained(within: .seconds(10)))
        #expect(Self.lines(out) == ["65534"])
        // The block's own user wins over script_user.
        notifier.run(LVSNotifyScript(command: script, user: "root"), keyword: "notify_down", virtualServer: "vs", orderKey: "vs rs1")
        #expect(await notifier.drained(within: .seconds(10)))
        #expect(Self.lines(out) == ["0"])
    }
}
