import VigilCore

/// How the SMTP session to `smtp_server` is protected (`vigil_smtp_tls`).
public enum SMTPTLSSetting: String, Sendable, Hashable, CaseIterable, Encodable {
    /// Clear text, as keepalived speaks it.
    case none
    /// STARTTLS after the greeting, required.
    case starttls
    /// TLS from the first byte (SMTPS, port 465).
    case tls
}

/// The SMTP password read from `vigil_smtp_password_file`; never printed, logged or dumped.
public struct SMTPPassword: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The password itself, for the SMTP client only.
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { description }
    /// Keeps the password out of `dump` and of the default description of the settings that hold it.
    public var customMirror: Mirror { Mirror(self, children: ["value": "<redacted>"]) }
}

/// Vigil's global_defs keywords for the mail submission keepalived cannot do: TLS, AUTH, trust.
public struct GlobalSMTPSettings: Sendable, Encodable {
    /// Implicit TLS is the only thing spoken on 465 (RFC 8314), so that port defaults to it.
    public static let implicitTLSPort = 465

    /// `vigil_smtp_tls none|starttls|tls`; absent: `tls` on port 465, `none` elsewhere.
    public let vigilSmtpTls: Located<SMTPTLSSetting>
    /// `vigil_smtp_auth_user NAME`: AUTH PLAIN/LOGIN as this user, only over TLS.
    public let vigilSmtpAuthUser: Located<String>?
    /// `vigil_smtp_password_file PATH`: where the password was read from.
    public let vigilSmtpPasswordFile: Located<String>?
    /// The password read from that file at load (first line); excluded from every encoding.
    public let password: SMTPPassword?
    /// `vigil_smtp_ca_file PATH`: PEM certificates to trust instead of the system store.
    public let vigilSmtpCaFile: Located<String>?
    /// `vigil_smtp_verify_certificate BOOL` (default yes).
    public let vigilSmtpVerifyCertificate: Located<Bool>

    private enum CodingKeys: String, CodingKey {
        case vigilSmtpTls, vigilSmtpAuthUser, vigilSmtpPasswordFile, vigilSmtpCaFile, vigilSmtpVerifyCertificate
    }
}
