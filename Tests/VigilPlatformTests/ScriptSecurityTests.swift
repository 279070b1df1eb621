import Foundation
import Glibc
import Testing
import VigilConfig
import VigilCore
@testable import VigilPlatform

@Suite("Scripts: the default user and keepalived's script security")
struct ScriptSecurityTests {
    static let config = """
        global_defs {
            %GLOBAL%
        }
        vrrp_script chk {
            script "/opt/chk.sh --quick"
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
                192.0.2.100/24
            }
            track_script {
                chk
            }
            notify_master "/opt/master.sh now" nobody
        }
        virtual_server 192.0.2.100 80 {
            quorum_up "/opt/quorum.sh up"
            real_server 198.51.100.11 80 {
                notify_down /opt/down.sh
                MISC_CHECK {
                    misc_path "/opt/misc.sh arg"
                }
            }
        }

        """

    static func load(_ global: String) -> Configuration {
        let result = ConfigLoader.load(text: config.replacingOccurrences(of: "%GLOBAL%", with: global))
        #expect(!result.hasErrors, "\(result.diagnostics.all)")
        return result.configuration
    }

    @Test("Every script kind is found, with its program and its own user")
    func inventory() {
        let scripts = ScriptAudit.scripts(in: Self.load(""))
        #expect(scripts.map(\.keyword) == ["notify_master", "vrrp_script", "quorum_up", "notify_down", "MISC_CHECK"])
        #expect(scripts.map(\.program) == ["/opt/master.sh", "/opt/chk.sh", "/opt/quorum.sh", "/opt/down.sh", "/opt/misc.sh"])
        #expect(scripts.first?.user == "nobody")
    }

    @Test("As root without script_user and without keepalived_script, one warning says scripts run as root")
    func defaultUserWarning() {
        let none = ScriptAudit.diagnostics(for: Self.load(""), isRoot: true, userExists: { _ in false }, pathProblem: { _ in nil })
        #expect(none.warnings.map(\.message) == ["no script_user and no user keepalived_script: scripts without a user of their own run as root"])
        let created = ScriptAudit.diagnostics(for: Self.load(""), isRoot: true, userExists: { $0 == "keepalived_script" }, pathProblem: { _ in nil })
        #expect(created.isEmpty)
        let configured = ScriptAudit.diagnostics(for: Self.load("script_user nobody"), isRoot: true, userExists: { _ in false }, pathProblem: { _ in nil })
        #expect(configured.isEmpty)
        #expect(ScriptAudit.diagnostics(for: Self.load(""), isRoot: false, userExists: { _ in false }, pathProblem: { _ in "x" }).isEmpty)
    }

    @Test("A root script others can change is warned about; with enable_script_security it is refused")
    func pathWarnings() {
        let unsafe: (String) -> String? = { $0 == "/opt/down.sh" ? "/opt is writable by every user" : nil }
        let warned = ScriptAudit.diagnostics(for: Self.load(""), isRoot: true, userExists: { $0 == "keepalived_script" }, pathProblem: unsafe)
        #expect(warned.isEmpty, "keepalived_script runs every script without a user: none runs as root")
        let asRoot = ScriptAudit.diagnostics(for: Self.load("script_user root"), isRoot: true, userExists: { _ in false }, pathProblem: unsafe)
        #expect(asRoot.warnings.map(\.message) == ["notify_down /opt/down.sh runs as root and /opt is writable by every user; enable_script_security would refuse it"])
        let enforced = ScriptAudit.diagnostics(
            for: Self.load("script_user root\n    enable_script_security"), isRoot: true, userExists: { _ in false }, pathProblem: unsafe)
        #expect(enforced.warnings.map(\.message) == ["notify_down /opt/down.sh is refused by enable_script_security: it would run as root and /opt is writable by every user"])
        #expect(enforced.warnings.first?.location.line == 23)
    }

    @Test("script_user applies to every kind; a block's own user wins; keepalived_script when it exists")
    func userPolicy() {
        let defaults = Self.load("script_user nobody nogroup").global.globalDefs.scripts
        #expect(ScriptUserPolicy(defaults).identity(user: nil, group: nil) == .init(user: "nobody", group: "nogroup"))
        #expect(ScriptUserPolicy(defaults).identity(user: "daemon", group: nil) == .init(user: "daemon", group: nil))
        let empty = Self.load("").global.globalDefs.scripts
        #expect(ScriptUserPolicy(empty, userExists: { _ in true }).identity(user: nil, group: nil) == .init(user: "keepalived_script"))
        #expect(ScriptUserPolicy(empty, userExists: { _ in false }).identity(user: nil, group: nil) == nil)
    }

    @Test("The path check on real files: a world-writable directory above a root script is found; / and /usr/bin are safe",
          .enabled(if: geteuid() == 0, "needs root: the files must be owned by root"))
    func realPaths() throws {
        #expect(ScriptPathSecurity.problem("/bin/true") == nil)
        #expect(ScriptPathSecurity.problem("true") == nil)
        let directory = "/tmp/vigil-scriptsec-\(getpid())"
        mkdir(directory, 0o777)
        chmod(directory, 0o777)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let script = directory + "/check.sh"
        try "#!/bin/sh\nexit 0\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        #expect(ScriptPathSecurity.problem(script) == "\(directory) is writable by every user")
        // Enforced at launch: refused before anything runs.
        guard case .failure(let refusal) = ScriptProcess.launch([script], requireSecurePath: true) else {
            Issue.record("an unsafe root script was launched")
            return
        }
        #expect(refusal.description == "refused by enable_script_security: \(directory) is writable by every user")
        chmod(directory, 0o755)
        #expect(ScriptPathSecurity.problem(script) == nil)
        chmod(script, 0o777)
        #expect(ScriptPathSecurity.problem(script) == "\(script) is writable by every user")
    }
}
