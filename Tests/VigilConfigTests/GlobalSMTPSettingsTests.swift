import Testing
import VigilConfig
import VigilCore

@Suite("Vigil's mail keywords (vigil_smtp_*)")
struct GlobalSMTPSettingsTests {
    static let passwordPath = "/etc/vigil/smtp-password"

    static func read(_ body: String, files: [String: String] = [passwordPath: "s3cr3t-smtp\n"], unreadable: Set<String> = [])
        -> (GlobalSMTPSettings, [Diagnostic], LoadResult)
    {
        var all = files
        all["/etc/vigil/vigil.conf"] = "global_defs {\n\(body)\n}\n"
        let result = ConfigLoader.load(path: "/etc/vigil/vigil.conf", fileSystem: InMemoryFileSystem(all, unreadable: unreadable))
        let findings = result.diagnostics.sorted.filter { !$0.message.contains("vigild would have nothing to do") }
        return (result.configuration.global.globalDefs.smtp, findings, result)
    }

    @Test("Without the keywords: no TLS (keepalived's plain SMTP), no AUTH, verification on")
    func defaults() {
        let (settings, findings, _) = Self.read("smtp_server 192.0.2.25")
        #expect(findings.isEmpty)
        #expect(settings.vigilSmtpTls.value == .none)
        #expect(settings.vigilSmtpAuthUser == nil)
        #expect(settings.password == nil)
        #expect(settings.vigilSmtpVerifyCertificate.value)
    }

    @Test("Port 465 defaults to implicit TLS; an explicit setting wins")
    func port465() {
        #expect(Self.read("smtp_server 192.0.2.25 465").0.vigilSmtpTls.value == .tls)
        #expect(Self.read("smtp_server 192.0.2.25 465\nvigil_smtp_tls starttls").0.vigilSmtpTls.value == .starttls)
        #expect(Self.read("smtp_server 192.0.2.25 587").0.vigilSmtpTls.value == .none)
    }

    @Test("STARTTLS with AUTH: the password is the file's first line, read at load")
    func authFromFile() {
        let (settings, findings, _) = Self.read("""
            smtp_server 192.0.2.25 587
            vigil_smtp_tls starttls
            vigil_smtp_auth_user alerts
            vigil_smtp_password_file \(Self.passwordPath)
            vigil_smtp_ca_file /etc/vigil/ca.pem
            vigil_smtp_verify_certificate yes
            """, files: [Self.passwordPath: "s3cr3t-smtp\r\nsecond line ignored\n", "/etc/vigil/ca.pem": "PEM"])
        #expect(findings.isEmpty, "\(findings)")
        #expect(settings.vigilSmtpTls.value == .starttls)
        #expect(settings.vigilSmtpTls.location?.line == 3)
        #expect(settings.vigilSmtpAuthUser?.value == "alerts")
        #expect(settings.password?.value == "s3cr3t-smtp")
        #expect(settings.vigilSmtpCaFile?.value == "/etc/vigil/ca.pem")
    }

    @Test("The password is in no dump and no description")
    func secretStaysSecret() throws {
        let (settings, _, result) = Self.read("""
            smtp_server 192.0.2.25 465
            vigil_smtp_auth_user alerts
            vigil_smtp_password_file \(Self.passwordPath)
            """)
        #expect(settings.password?.value == "s3cr3t-smtp")
        let json = try ConfigDump.json(result.configuration)
        #expect(!json.contains("s3cr3t-smtp"))
        #expect(json.contains("\"vigil_smtp_password_file\""))
        #expect(!String(describing: settings.password).contains("s3cr3t"))
        #expect(!String(reflecting: settings).contains("s3cr3t"))
        var dumped = ""
        dump(settings, to: &dumped)
        #expect(!dumped.contains("s3cr3t"), "\(dumped)")
    }

    @Test(
        "Errors name the line and what is expected",
        arguments: [
            ("vigil_smtp_tls ssl", "vigil_smtp_tls 'ssl'", "one of none, starttls, tls"),
            ("vigil_smtp_auth_user alerts\nvigil_smtp_tls tls", "no password is given", "'vigil_smtp_password_file PATH' in global_defs"),
            ("vigil_smtp_password_file \(passwordPath)\nvigil_smtp_tls tls", "no user is given", "'vigil_smtp_auth_user NAME' in global_defs"),
            ("vigil_smtp_auth_user a\nvigil_smtp_password_file \(passwordPath)", "SMTP authentication needs TLS",
             "'vigil_smtp_tls starttls' or 'vigil_smtp_tls tls' in global_defs"),
            ("vigil_smtp_password_file relative/file", "is not an absolute path", "an absolute path such as /etc/vigil/smtp-password"),
            ("vigil_smtp_password_file /etc/vigil/missing\nvigil_smtp_auth_user a\nvigil_smtp_tls tls",
             "cannot read vigil_smtp_password_file /etc/vigil/missing: no such file",
             "a file readable by vigild holding the SMTP password on its first line"),
            ("vigil_smtp_ca_file /etc/vigil/none.pem\nvigil_smtp_tls tls", "cannot read vigil_smtp_ca_file /etc/vigil/none.pem: no such file",
             "a readable PEM file of CA certificates"),
        ])
    func errors(body: String, message: String, expected: String) throws {
        let (_, findings, _) = Self.read("smtp_server 192.0.2.25 587\n" + body)
        let error = try #require(findings.first { $0.severity == .error }, "\(findings)")
        #expect(error.message.contains(message), "\(error.message)")
        #expect(error.expected == expected)
        #expect(error.location.file == "/etc/vigil/vigil.conf")
        #expect(error.location.line == 3)
    }

    @Test("An unreadable or empty password file is an error on the keyword's line, without the content")
    func badPasswordFiles() throws {
        let body = "smtp_server 192.0.2.25 465\nvigil_smtp_auth_user a\nvigil_smtp_password_file \(Self.passwordPath)"
        let unreadable = Self.read(body, unreadable: [Self.passwordPath]).1
        #expect(unreadable.map(\.message) == ["cannot read vigil_smtp_password_file \(Self.passwordPath): permission denied"])
        #expect(unreadable.first?.location.line == 4)
        let empty = Self.read(body, files: [Self.passwordPath: "\n"]).1
        #expect(empty.map(\.message) == ["vigil_smtp_password_file \(Self.passwordPath) is empty"])
    }

    @Test("Certificate settings without TLS, and a CA file with verification off, are warnings")
    func warnings() {
        let noTLS = Self.read("smtp_server 192.0.2.25\nvigil_smtp_verify_certificate no").1
        #expect(noTLS.map(\.message) == ["certificate settings have no effect without TLS"])
        #expect(noTLS.first?.severity == .warning)
        let unused = Self.read("smtp_server 192.0.2.25 465\nvigil_smtp_ca_file /ca.pem\nvigil_smtp_verify_certificate no", files: ["/ca.pem": "x"]).1
        #expect(unused.map(\.message) == ["vigil_smtp_ca_file is not used: vigil_smtp_verify_certificate is off"])
    }
}
