import Foundation
import Testing

/// The tutorial's configuration through the real binaries, as an operator would run them.
@Suite("vigild -t, --dump-config and vigilctl check-config", .timeLimit(.minutes(2)))
struct ConfigCLITests {
    static let tutorial = "contrib/examples/lvs-dr-tutorial.conf"
    static let tutorialBackup = "contrib/examples/lvs-dr-tutorial-backup.conf"

    @Test("the tutorial's configurations check clean and exit 0")
    func tutorialChecksClean() throws {
        for file in [Self.tutorial, Self.tutorialBackup] {
            let result = try CommandRunner.run("vigild", ["--config-test", "-f", file])
            #expect(result.status == 0, "\(file): \(result.stderr)")
            #expect(result.stderr.contains("configuration OK: no problems found"), "\(file): \(result.stderr)")
        }
    }

    @Test("the operations example checks clean once its password file exists, and names the file when it does not")
    func operationsExample() throws {
        let example = "contrib/examples/operations.conf"
        let missing = try CommandRunner.run("vigild", ["--config-test", "-f", example])
        #expect(missing.status == 1 && missing.stderr.contains("\(example):22:"), "\(missing.stderr)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-ops-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let password = directory.appendingPathComponent("smtp-password")
        try "not-a-real-secret\n".write(to: password, atomically: true, encoding: .utf8)
        let text = try String(contentsOfFile: example, encoding: .utf8)
            .replacingOccurrences(of: "/etc/vigil/smtp-password", with: password.path)
        let copy = directory.appendingPathComponent("operations.conf")
        try text.write(to: copy, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run("vigild", ["--config-test", "-f", copy.path])
        #expect(result.status == 0 && result.stderr.contains("configuration OK: no problems found"), "\(result.stderr)")
        let dump = try CommandRunner.run("vigild", ["--dump-config", "-f", copy.path])
        #expect(dump.status == 0 && !dump.stdout.contains("not-a-real-secret"), "the dump shows the SMTP password")
    }

    @Test("the dump shows the tutorial's values")
    func tutorialDump() throws {
        let result = try CommandRunner.run("vigild", ["--dump-config", "-f", Self.tutorial])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let global = try #require(json["global_defs"] as? [String: Any])
        #expect(global["router_id"] as? String == "LVS_DEVEL")
        #expect(global["smtp_connect_timeout"] as? Int == 30)
        #expect("\(global["smtp_server"] ?? "")".contains("127.0.0.1"))
        #expect((global["notification_email"] as? [String]) == ["root@localhost"])
        #expect(global["notification_email_from"] as? String == "keepalived@localhost")

        let instances = try #require(json["vrrp_instances"] as? [[String: Any]])
        let instance = try #require(instances.first)
        #expect(instances.count == 1)
        #expect(instance["name"] as? String == "VI_1")
        #expect(instance["state"] as? String == "MASTER")
        #expect(instance["interface"] as? String == "eth0")
        #expect(instance["virtual_router_id"] as? Int == 51)
        #expect(instance["priority"] as? Int == 100)
        #expect(instance["advert_int"] as? Int == 1)
        let auth = try #require(instance["authentication"] as? [String: Any])
        #expect(auth["auth_type"] as? String == "PASS")
        #expect(auth["auth_pass"] as? String == "1111")
        #expect(result.stdout.contains("172.25.66.100/32"))

        let servers = try #require(json["virtual_servers"] as? [[String: Any]])
        let server = try #require(servers.first)
        #expect(servers.count == 1)
        #expect(result.stdout.contains("\"delay_loop\" : 6"))
        // lb_algo and lb_kind are dumped under keepalived's current names.
        #expect(server["lvs_sched"] as? String == "rr")
        #expect(server["lvs_method"] as? String == "DR")
        #expect("\(server["address"] ?? "")" == "172.25.66.100")
        #expect(server["port"] as? Int == 80)
        #expect(server["protocol"] as? String == "TCP")
        let reals = try #require(server["real_servers"] as? [[String: Any]])
        #expect(reals.count == 2)
        for (real, address) in zip(reals, ["172.25.66.2", "172.25.66.3"]) {
            #expect("\(real["address"] ?? "")" == address)
            #expect(real["port"] as? Int == 80)
            #expect(real["weight"] as? Int == 1)
            let checkers = try #require(real["checkers"] as? [[String: Any]])
            #expect(checkers.count == 1)
            let check = try #require(checkers.first)
            #expect(check["type"] as? String == "TCP_CHECK")
            #expect(check["connect_timeout"] as? Int == 3)
            #expect(check["retry"] as? Int == 3)
            #expect(check["delay_before_retry"] as? Int == 3)
        }
    }

    @Test("the standby variant differs only in state and priority")
    func backupVariant() throws {
        let primary = try CommandRunner.run("vigild", ["--dump-config", "-f", Self.tutorial]).stdout
        let standby = try CommandRunner.run("vigild", ["--dump-config", "-f", Self.tutorialBackup]).stdout
        let differing = zip(primary.split(separator: "\n"), standby.split(separator: "\n")).filter { $0 != $1 }
        let keys = differing.map { $0.0.split(separator: ":").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" }
        #expect(Set(keys).isSubset(of: ["\"state\"", "\"priority\"", "\"files\""]), "\(differing)")
        #expect(standby.contains("\"state\" : \"BACKUP\""))
        #expect(standby.contains("\"priority\" : 50"))
    }

    @Test("a broken configuration exits 1 and names file:line:column, what was found and what was expected")
    func brokenConfiguration() throws {
        let directory = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("bad.conf")
        try "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n    priority 300\n}\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try CommandRunner.run("vigild", ["-t", "-f", file.path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(file.path):4:14: error: priority 300 is out of range; expected an integer from 1 to 255"), "\(result.stderr)")
        #expect(result.stderr.contains("    priority 300\n"))
        let dump = try CommandRunner.run("vigild", ["--dump-config", "-f", file.path])
        #expect(dump.status == 1)
        #expect(dump.stdout.isEmpty)
    }

    @Test("vigilctl check-config reads files and standard input, with hints")
    func vigilctl() throws {
        let clean = try CommandRunner.run("vigilctl", ["check-config", Self.tutorial])
        #expect(clean.status == 0)
        #expect(clean.stdout.contains("configuration OK"))
        let typo = try CommandRunner.run(
            "vigilctl", ["check-config", "-"],
            stdin: "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 5\n  prority 100\n}\n")
        #expect(typo.status == 0, "a warning alone does not fail the check")
        #expect(typo.stdout.contains("<stdin>:4:3: warning: unknown keyword 'prority'"), "\(typo.stdout)")
        #expect(typo.stdout.contains("hint: did you mean 'priority'?"))
        let missing = try CommandRunner.run("vigilctl", ["check-config", "/nonexistent/vigil.conf"])
        #expect(missing.status == 1)
        #expect(missing.stdout.contains("/nonexistent/vigil.conf:1:1: error: cannot read configuration file /nonexistent/vigil.conf: no such file"))
    }

    @Test("an unreadable file is an error that says permission denied (as root: checked as user nobody)")
    func unreadableFile() throws {
        let directory = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
        let file = directory.appendingPathComponent("secret.conf")
        try "vrrp_instance VI_1 {\n}\n".write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: file.path)
        let vigild = CommandRunner.binDirectory.appendingPathComponent("vigild").path
        // Root reads any file, so as root the check runs as the unprivileged user nobody.
        let result = getuid() == 0
            ? try CommandRunner.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", vigild, "-t", "-f", file.path])
            : try CommandRunner.run("vigild", ["-t", "-f", file.path])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("\(file.path):1:1: error: cannot read configuration file \(file.path): permission denied"), "\(result.stderr)")
    }

    @Test("@id lines follow --config-id")
    func configId() throws {
        let text = "vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 5\n  @alpha priority 200\n  @^alpha priority 20\n}\n"
        let alpha = try CommandRunner.run("vigilctl", ["check-config", "-i", "alpha", "-"], stdin: text)
        #expect(alpha.status == 0)
        let directory = try CommandRunner.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("c.conf")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let dumpAlpha = try CommandRunner.run("vigild", ["--dump-config", "-i", "alpha", "-f", file.path]).stdout
        let dumpBeta = try CommandRunner.run("vigild", ["--dump-config", "-i", "beta", "-f", file.path]).stdout
        #expect(dumpAlpha.contains("\"priority\" : 200"))
        #expect(dumpBeta.contains("\"priority\" : 20"))
    }

    @Test("the dump is stable: the same file gives the same text twice")
    func stableDump() throws {
        let first = try CommandRunner.run("vigild", ["--dump-config", "-f", Self.tutorial]).stdout
        let second = try CommandRunner.run("vigild", ["--dump-config", "-f", Self.tutorial]).stdout
        #expect(!first.isEmpty && first == second)
    }
}
