import VigilCore

extension GlobalSMTPSettings {
    /// Password files are a line or two; anything larger is the wrong file.
    static let passwordFileLimit = 4096
    static let caFileLimit = 4 * 1024 * 1024

    static func read(from reader: inout BlockReader, smtpPort: Int?, fileSystem: (any ConfigFileSystem)?) -> GlobalSMTPSettings {
        let sink = reader.sink
        let explicitTLS = reader.choice("vigil_smtp_tls", as: SMTPTLSSetting.self, caseInsensitive: true)
        let tls = explicitTLS ?? .defaulted(smtpPort == implicitTLSPort ? .tls : .none)
        let user = reader.string("vigil_smtp_auth_user")
        let passwordFile = absolutePath(&reader, "vigil_smtp_password_file")
        let caFile = absolutePath(&reader, "vigil_smtp_ca_file")
        let verify = reader.flag("vigil_smtp_verify_certificate", default: true)

        var password: SMTPPassword?
        if let passwordFile, let location = passwordFile.location {
            password = readPassword(passwordFile.value, at: location, fileSystem: fileSystem, sink: sink)
        }
        if let caFile, let location = caFile.location, let fileSystem {
            do {
                _ = try fileSystem.read(caFile.value, limit: caFileLimit)
            } catch {
                sink.error(
                    "cannot read vigil_smtp_ca_file \(caFile.value): \(error.reason)", at: location,
                    expected: "a readable PEM file of CA certificates", keyword: "vigil_smtp_ca_file")
            }
        }
        if let user, passwordFile == nil, let location = user.location {
            sink.error(
                "'vigil_smtp_auth_user' is set but no password is given", at: location,
                expected: "'vigil_smtp_password_file PATH' in global_defs", keyword: "vigil_smtp_auth_user")
        }
        if let passwordFile, user == nil, let location = passwordFile.location {
            sink.error(
                "'vigil_smtp_password_file' is set but no user is given", at: location,
                expected: "'vigil_smtp_auth_user NAME' in global_defs", keyword: "vigil_smtp_password_file")
        }
        if let user, tls.value == .none, let location = user.location {
            sink.error(
                "SMTP authentication needs TLS; the password is never sent in clear text", at: location,
                expected: "'vigil_smtp_tls starttls' or 'vigil_smtp_tls tls' in global_defs", keyword: "vigil_smtp_auth_user")
        }
        if let caFile, !verify.value, let location = caFile.location {
            sink.warning(
                "vigil_smtp_ca_file is not used: vigil_smtp_verify_certificate is off", at: location,
                expected: "certificate verification on, or no CA file", keyword: "vigil_smtp_ca_file")
        }
        if tls.value == .none, let location = caFile?.location ?? (verify.isExplicit ? verify.location : nil) {
            sink.warning(
                "certificate settings have no effect without TLS", at: location,
                expected: "'vigil_smtp_tls starttls' or 'vigil_smtp_tls tls'", keyword: "vigil_smtp_tls")
        }
        return GlobalSMTPSettings(
            vigilSmtpTls: tls, vigilSmtpAuthUser: user, vigilSmtpPasswordFile: passwordFile, password: password,
            vigilSmtpCaFile: caFile, vigilSmtpVerifyCertificate: verify)
    }

    private static func absolutePath(_ reader: inout BlockReader, _ keyword: String) -> Located<String>? {
        guard let path = reader.string(keyword) else { return nil }
        guard path.value.hasPrefix("/") else {
            reader.sink.error(
                "'\(path.value)' is not an absolute path", at: path.location ?? reader.location,
                expected: "an absolute path such as /etc/vigil/smtp-password", keyword: keyword)
            return nil
        }
        return path
    }

    /// The first line of the file, without its line end; the file's content is never put in a diagnostic.
    private static func readPassword(
        _ path: String, at location: SourceLocation, fileSystem: (any ConfigFileSystem)?, sink: DiagnosticSink
    ) -> SMTPPassword? {
        guard let fileSystem else { return nil }
        let bytes: [UInt8]
        do {
            bytes = try fileSystem.read(path, limit: passwordFileLimit)
        } catch {
            sink.error(
                "cannot read vigil_smtp_password_file \(path): \(error.reason)", at: location,
                expected: "a file readable by vigild holding the SMTP password on its first line", keyword: "vigil_smtp_password_file")
            return nil
        }
        let line = bytes.prefix { $0 != UInt8(ascii: "\n") && $0 != UInt8(ascii: "\r") }
        guard !line.isEmpty else {
            sink.error(
                "vigil_smtp_password_file \(path) is empty", at: location,
                expected: "the SMTP password on the file's first line", keyword: "vigil_smtp_password_file")
            return nil
        }
        guard let text = String(validating: line, as: UTF8.self) else {
            sink.error(
                "vigil_smtp_password_file \(path) is not UTF-8 text", at: location,
                expected: "the SMTP password as UTF-8 text on the file's first line", keyword: "vigil_smtp_password_file")
            return nil
        }
        return SMTPPassword(text)
    }
}
