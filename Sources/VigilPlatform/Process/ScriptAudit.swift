#if canImport(Glibc)
import Glibc
#endif
import VigilConfig
import VigilCore

/// What `vigild -t` and start-up say about the scripts a configuration runs, as keepalived does:
/// the user they run as when nothing is configured, and script security for those that run as root.
public enum ScriptAudit {
    /// One script the configuration runs: where, what program, as whom.
    public struct ConfiguredScript: Sendable, Equatable {
        public let keyword: String
        public let program: String
        public let user: String?
        public let group: String?
        public let location: SourceLocation
    }

    /// Every script: notify scripts, vrrp_script, MISC_CHECK, notify_up/down, quorum_up/down.
    public static func scripts(in configuration: Configuration) -> [ConfiguredScript] {
        var found: [ConfiguredScript] = []
        func add(_ keyword: String, _ argv: [String], _ user: String?, _ group: String?, _ location: SourceLocation?) {
            guard let program = argv.first, let location else { return }
            found.append(ConfiguredScript(keyword: keyword, program: program, user: user, group: group, location: location))
        }
        for instance in configuration.vrrp.vrrpInstances {
            let notify: [(String, ScriptInvocation?)] = [
                ("notify_master", instance.notifyMaster), ("notify_backup", instance.notifyBackup), ("notify_fault", instance.notifyFault),
                ("notify_stop", instance.notifyStop), ("notify", instance.notify),
            ]
            for case (let keyword, let script?) in notify {
                add(keyword, script.command.value, script.user?.value, script.group?.value, script.location)
            }
        }
        for script in configuration.tracking.vrrpScripts {
            add("vrrp_script", script.script.value, script.user?.value, script.group?.value, script.script.location ?? script.location)
        }
        for server in configuration.lvs.virtualServers {
            for (keyword, script) in [("quorum_up", server.quorumUp), ("quorum_down", server.quorumDown)] {
                guard let script else { continue }
                add(keyword, script.value.arguments, script.value.user, script.value.group, script.location ?? server.location)
            }
            for real in server.realServers {
                for (keyword, script) in [("notify_up", real.notifyUp), ("notify_down", real.notifyDown)] {
                    guard let script else { continue }
                    add(keyword, script.value.arguments, script.value.user, script.value.group, script.location ?? real.location)
                }
                for case .misc(let check) in real.checkers {
                    add("MISC_CHECK", check.arguments, check.user?.value, check.group?.value, check.miscPath.location ?? check.location)
                }
            }
        }
        return found
    }

    /// The warnings for `configuration` on this host (`isRoot`, `userExists` and `pathProblem`
    /// are the host's, passed in so tests can choose them).
    public static func diagnostics(
        for configuration: Configuration, isRoot: Bool = geteuid() == 0, userExists: (String) -> Bool = ScriptUserPolicy.userExists,
        pathProblem: (String) -> String? = ScriptPathSecurity.problem
    ) -> Diagnostics {
        var diagnostics = Diagnostics()
        let scripts = scripts(in: configuration)
        let settings = configuration.global.globalDefs.scripts
        guard isRoot, let first = scripts.first else { return diagnostics }
        if settings.scriptUser == nil, !userExists(ScriptUserPolicy.defaultUser), scripts.contains(where: { $0.user == nil }) {
            diagnostics.warning(
                "no script_user and no user \(ScriptUserPolicy.defaultUser): scripts without a user of their own run as root",
                at: first.location, expected: "script_user USER [GROUP] in global_defs, or a user \(ScriptUserPolicy.defaultUser)",
                keyword: "script_user")
        }
        let policy = ScriptUserPolicy(settings, userExists: userExists)
        for script in scripts {
            let identity = policy.identity(user: script.user, group: script.group)
            guard ScriptProcess.switchesToRoot(identity), let problem = pathProblem(script.program) else { continue }
            if policy.requireSecurePath {
                diagnostics.warning(
                    "\(script.keyword) \(script.program) is refused by enable_script_security: it would run as root and \(problem)",
                    at: script.location, expected: "a script owned by root in directories only root can write, or a user to run it as",
                    keyword: "enable_script_security")
            } else {
                diagnostics.warning(
                    "\(script.keyword) \(script.program) runs as root and \(problem); enable_script_security would refuse it",
                    at: script.location, expected: "enable_script_security in global_defs, and a script only root can change",
                    keyword: "enable_script_security")
            }
        }
        return diagnostics
    }
}
