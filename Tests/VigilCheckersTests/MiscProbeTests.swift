import Foundation
import Testing
import VigilCheck
import VigilConfig
import VigilPlatform

@testable import VigilCheckers

@Suite("MISC_CHECK: scripts, exit statuses, misc_dynamic, misc_timeout and the script user", .serialized)
struct MiscProbeTests {
    static func probe(_ body: String) throws -> MiscProbe {
        MiscProbe(check: try SocketProbeConfig.miscCheck(body))
    }

    @Test("Exit statuses with and without misc_dynamic", .timeLimit(.minutes(1)), arguments: [
        (Int32(0), false, CheckOutcome.success),
        (1, false, .failure(CheckFailure(.exitStatus, "exit status 1"))),
        (5, false, .failure(CheckFailure(.exitStatus, "exit status 5"))),
        (0, true, .success),
        (1, true, .failure(CheckFailure(.exitStatus, "exit status 1"))),
        (2, true, .successWithWeight(0)),
        (5, true, .successWithWeight(3)),
        (255, true, .successWithWeight(253)),
    ])
    func exitStatuses(status: Int32, dynamic: Bool, expected: CheckOutcome) async throws {
        let scratch = try SocketProbeScratch()
        let script = try scratch.script("exit.sh", "exit \(status)")
        let probe = try Self.probe("misc_path \(script)\nmisc_timeout 5\(dynamic ? "\nmisc_dynamic" : "")")
        #expect(await probe.run() == expected)
    }

    @Test("A script that outlives misc_timeout is killed with what it started, and the check fails in time", .timeLimit(.minutes(1)))
    func timeout() async throws {
        let scratch = try SocketProbeScratch()
        let pids = scratch.path + "/pids"
        let script = try scratch.script("slow.sh", "sleep 30 &\necho $$ $! > \(pids)\nwait")
        let result = await SocketProbeLab.timed(try Self.probe("misc_path \(script)\nmisc_timeout 1"))
        #expect(reason(result.outcome) == .timeout)
        #expect(result.elapsed >= .seconds(1) && result.elapsed < .milliseconds(2500))
        let started = try String(contentsOfFile: pids, encoding: .utf8).split(separator: " ").compactMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        #expect(started.count == 2)
        // Neither the script nor its background sleep runs any more (the sleep, orphaned, may
        // linger as a zombie until init reaps it).
        try await Task.sleep(for: .milliseconds(100))
        for pid in started {
            #expect(!SocketProbeLab.isRunning(pid), "process \(pid) still runs")
        }
    }

    @Test("misc_path is split like keepalived's script lines: quotes group words", .timeLimit(.minutes(1)))
    func argumentSplitting() async throws {
        let scratch = try SocketProbeScratch()
        let script = try scratch.script("args.sh", #"[ "$#" = 2 ] && [ "$1" = "a b" ] && [ "$2" = c ]"#)
        let probe = try Self.probe("misc_path \"\(script) 'a b' c\"")
        #expect(probe.arguments == [script, "a b", "c"])
        #expect(await probe.run() == .success)
        let unquoted = try Self.probe("misc_path \"\(script) a b c\"")
        #expect(reason(await unquoted.run()) == .exitStatus)
    }

    @Test("A program that cannot start is an error, not an exit status", .timeLimit(.minutes(1)))
    func cannotStart() async throws {
        let outcome = try await Self.probe("misc_path /nonexistent/vigil-check").run()
        #expect(reason(outcome) == .error)
        let bare = try await Self.probe("misc_path \"true\"").run()
        #expect(bare == .success, "a bare name is looked up in PATH")
    }

    @Test(
        "user nobody: the script runs as uid 65534; without it, as root", .timeLimit(.minutes(1)),
        .enabled(if: SocketProbeLab.isRoot, "NEEDS ROOT: switching users (CI runs as root)"))
    func scriptUser() async throws {
        let scratch = try SocketProbeScratch()
        let script = try scratch.script("whoami.sh", #"[ "$(id -u)" = 65534 ] && [ "$(id -g)" = 65534 ]"#)
        #expect(try await Self.probe("misc_path \(script)\nuser nobody").run() == .success)
        #expect(reason(try await Self.probe("misc_path \(script)").run()) == .exitStatus)
        let unknown = try await Self.probe("misc_path \(script)\nuser vigil-no-such-user").run()
        guard case .failure(let failure) = unknown else {
            Issue.record("an unknown user ran the script")
            return
        }
        #expect(failure.reason == .error)
        #expect(failure.detail.contains("unknown user"))
    }

    @Test(
        "script_user from global_defs applies when the checker names no user", .timeLimit(.minutes(1)),
        .enabled(if: SocketProbeLab.isRoot, "NEEDS ROOT: switching users (CI runs as root)"))
    func defaultUser() async throws {
        let scratch = try SocketProbeScratch()
        let script = try scratch.script("whoami.sh", #"[ "$(id -u)" = 65534 ]"#)
        let check = try SocketProbeConfig.miscCheck("misc_path \(script)")
        let scripts = ConfigLoader.load(text: "global_defs {\n  script_user nobody\n}\n").configuration.global.globalDefs.scripts
        #expect(await MiscProbe(check: check, policy: ScriptUserPolicy(scripts)).run() == .success)
        let own = try SocketProbeConfig.miscCheck("misc_path \(script)\nuser root")
        #expect(reason(await MiscProbe(check: own, policy: ScriptUserPolicy(scripts)).run()) == .exitStatus)
    }

    @Test("Many scripts at once finish without holding threads", .timeLimit(.minutes(1)))
    func concurrent() async throws {
        let scratch = try SocketProbeScratch()
        let script = try scratch.script("nap.sh", "sleep 0.3\nexit 7")
        let probe = try Self.probe("misc_path \(script)\nmisc_dynamic\nmisc_timeout 10")
        let clock = ContinuousClock()
        let start = clock.now
        let outcomes = await withTaskGroup(of: CheckOutcome.self) { group in
            for _ in 0..<100 { group.addTask { await probe.run() } }
            return await group.reduce(into: [CheckOutcome]()) { $0.append($1) }
        }
        #expect(outcomes.count == 100 && outcomes.allSatisfy { $0 == .successWithWeight(5) })
        #expect(clock.now - start < .seconds(10), "100 × 0.3 s run side by side")
    }
}
