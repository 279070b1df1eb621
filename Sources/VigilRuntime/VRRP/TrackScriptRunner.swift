import Logging
import VigilPlatform
import VigilConfig

/// Runs each vrrp_script on its interval and reports a status change only after `rise` successes
/// or `fall` failures in a row, as keepalived does; a script that times out has failed.
final class TrackScriptRunner: Sendable {
    /// One script as the runner needs it.
    struct Script: Sendable, Equatable {
        let name: String
        let run: NotifyScripts.Run
        let interval: Duration
        let timeout: Duration
        let rise: Int
        let fall: Int
        let initFail: Bool
    }

    let scripts: [Script]
    private let logger: Logger

    /// The vrrp_scripts some instance tracks; the others are never run.
    init(configuration: Configuration, logger: Logger) {
        let tracked = Set(configuration.vrrp.vrrpInstances.flatMap { $0.trackScript.map(\.name) })
        let policy = ScriptUserPolicy(configuration.global.globalDefs.scripts)
        scripts = configuration.tracking.vrrpScripts.filter { tracked.contains($0.name.value) }.map { script in
            let identity = policy.identity(user: script.user?.value, group: script.group?.value)
            return Script(
                name: script.name.value,
                run: NotifyScripts.Run(
                    keyword: "vrrp_script", arguments: script.script.value, user: identity?.user, group: identity?.group,
                    requireSecurePath: policy.requireSecurePath),
                interval: .microseconds(max(script.interval.value.microseconds, 10_000)),
                timeout: .microseconds(max(script.timeout.value.microseconds, 10_000)),
                rise: max(script.rise.value, 1), fall: max(script.fall.value, 1), initFail: script.initFail.value)
        }
        self.logger = logger
    }

    /// A runner for scripts given directly (tests, and later reloads that keep running scripts).
    init(scripts: [Script], logger: Logger) {
        self.scripts = scripts
        self.logger = logger
    }

    /// Runs every script until cancelled, calling `report` with each status change.
    func run(report: @escaping @Sendable (String, Bool) async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            for script in scripts {
                group.addTask { await Self.loop(script, logger: self.logger, report: report) }
            }
        }
    }

    private static func loop(_ script: Script, logger: Logger, report: @escaping @Sendable (String, Bool) async -> Void) async {
        var status: Bool? = script.initFail ? false : nil
        if status == false { await report(script.name, false) }
        var streak = 0
        var lastResult: Bool?
        while !Task.isCancelled {
            let failure = await ScriptProcess.run(
                script.run.arguments, timeout: script.timeout, identity: NotifyRunner.identity(of: script.run),
                requireSecurePath: script.run.requireSecurePath)
            let success = failure == nil
            streak = success == lastResult ? streak + 1 : 1
            lastResult = success
            let needed = success ? script.rise : script.fall
            if streak >= needed, status != success {
                status = success
                logger.notice(
                    success ? "vrrp_script succeeds" : "vrrp_script fails",
                    metadata: ["vrrp_script": "\(script.name)", "reason": "\(failure ?? "exit status 0")"])
                await report(script.name, success)
            }
            try? await Task.sleep(for: script.interval)
        }
    }
}
