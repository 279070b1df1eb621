/// How the SMTP session is protected.
public enum SMTPTLSMode: String, Sendable, Equatable, CaseIterable {
    /// Clear text for the whole session; AUTH is refused in this mode.
    case none
    /// Clear-text greeting, then STARTTLS (required: the delivery fails if the server does not offer it).
    case starttls
    /// TLS from the first byte (SMTPS, usually port 465).
    case tls
}

/// Credentials for AUTH; the password never appears in descriptions, dumps or logs.
public struct SMTPCredentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let user: String
    public let password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }

    public var description: String { "SMTPCredentials(user: \(user), password: <redacted>)" }
    public var debugDescription: String { description }
    /// Keeps the password out of `dump` and of the default description of structs that hold credentials.
    public var customMirror: Mirror { Mirror(self, children: ["user": user, "password": "<redacted>"]) }
}

/// Where and how to deliver.
public struct SMTPServerSettings: Sendable, Equatable {
    /// Host name, IPv4 literal or IPv6 literal (brackets optional).
    public var host: String
    public var port: Int
    /// The name sent in EHLO/HELO.
    public var heloName: String
    public var tls: SMTPTLSMode
    public var credentials: SMTPCredentials?
    /// PEM bundle of trusted CAs; nil means the system trust store.
    public var caFile: String?
    /// False accepts any certificate; only for servers with self-signed certificates nobody can install.
    public var verifyCertificate: Bool
    /// Bounds the connect and each reply of the server.
    public var connectTimeout: Duration

    public init(
        host: String,
        port: Int = 25,
        heloName: String,
        tls: SMTPTLSMode = .none,
        credentials: SMTPCredentials? = nil,
        caFile: String? = nil,
        verifyCertificate: Bool = true,
        connectTimeout: Duration = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.heloName = heloName
        self.tls = tls
        self.credentials = credentials
        self.caFile = caFile
        self.verifyCertificate = verifyCertificate
        self.connectTimeout = connectTimeout
    }
}

/// One message to deliver: envelope plus the complete RFC 5322 text (headers + body, lines ending
/// with LF or CRLF); the transport normalises line ends to CRLF and dot-stuffs, but does not fold
/// or encode: lines must stay under 998 bytes, and non-ASCII text should be MIME-encoded.
public struct MailEnvelope: Sendable, Equatable {
    /// Envelope sender (MAIL FROM), a bare address without angle brackets.
    public let from: String
    /// Envelope recipients (RCPT TO), bare addresses.
    public let recipients: [String]
    /// Headers, blank line, body.
    public let message: String

    public init(from: String, recipients: [String], message: String) {
        self.from = from
        self.recipients = recipients
        self.message = message
    }
}

/// Why a delivery failed, worded for an operator's log line; never contains the password.
public struct SMTPDeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The step of the SMTP session that failed.
    public enum Stage: String, Sendable {
        case connect, greeting, ehlo, starttls, tls, auth
        case mailFrom = "mail_from"
        case rcptTo = "rcpt_to"
        case data, message, quit
    }

    public let stage: Stage
    /// The SMTP reply code when the server answered, nil for local or network failures.
    public let code: Int?
    public let detail: String
    /// Permanent (5xx, auth rejected, certificate refused) vs worth a retry (connect refused, timeout, 4xx).
    public let isPermanent: Bool

    public init(stage: Stage, code: Int? = nil, detail: String, isPermanent: Bool) {
        self.stage = stage
        self.code = code
        self.detail = detail
        self.isPermanent = isPermanent
    }

    public var description: String {
        let codeText = code.map { " \($0)" } ?? ""
        let kind = isPermanent ? "permanent" : "temporary"
        return "SMTP \(stage.rawValue) failed\(codeText) (\(kind)): \(detail)"
    }
}

/// What the server said when it accepted the message (for logs and tests).
public struct SMTPDeliveryReceipt: Sendable, Equatable {
    /// The server's final reply to the message text, e.g. "250 2.0.0 Ok: queued as 1234".
    public let reply: String
    /// Recipients refused with 5xx while others were accepted; delivery to the rest still counts.
    public let refusedRecipients: [String]

    public init(reply: String, refusedRecipients: [String]) {
        self.reply = reply
        self.refusedRecipients = refusedRecipients
    }
}

/// Delivers mail; the runtime's queue owns retries.
public protocol MailTransport: Sendable {
    /// Runs one SMTP session; throws SMTPDeliveryError only.
    func deliver(_ envelope: MailEnvelope, via server: SMTPServerSettings) async throws(SMTPDeliveryError) -> SMTPDeliveryReceipt
}
