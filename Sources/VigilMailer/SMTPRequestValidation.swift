/// Checks made before any byte goes out: a request that cannot be sent safely fails permanently
/// without touching the network (a password is never offered in clear, no CR/LF can smuggle commands).
enum SMTPRequestValidation {
    static func check(_ envelope: MailEnvelope, _ server: SMTPServerSettings) throws(SMTPDeliveryError) {
        guard !SMTPHost.unbracketed(server.host).isEmpty else {
            throw SMTPDeliveryError(stage: .connect, detail: "no SMTP server host is set", isPermanent: true)
        }
        guard (1...65535).contains(server.port) else {
            throw SMTPDeliveryError(stage: .connect, detail: "SMTP port \(server.port) is not between 1 and 65535", isPermanent: true)
        }
        guard !server.heloName.isEmpty, !server.heloName.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw SMTPDeliveryError(stage: .ehlo, detail: "the HELO name \"\(server.heloName)\" is empty or holds spaces or control characters", isPermanent: true)
        }
        if let credentials = server.credentials {
            guard server.tls != .none else {
                throw SMTPDeliveryError(
                    stage: .auth,
                    detail: "AUTH needs TLS: a user is set but vigil_smtp_tls is none, and a password is never sent in clear; set vigil_smtp_tls starttls or tls",
                    isPermanent: true)
            }
            guard !credentials.user.utf8.contains(0), !credentials.password.utf8.contains(0) else {
                throw SMTPDeliveryError(stage: .auth, detail: "the SMTP user or password contains a NUL byte", isPermanent: true)
            }
        }
        guard isSafeAddress(envelope.from) else {
            throw SMTPDeliveryError(stage: .mailFrom, detail: "sender address \"\(printable(envelope.from))\" holds characters not allowed in an envelope", isPermanent: true)
        }
        guard !envelope.recipients.isEmpty else {
            throw SMTPDeliveryError(stage: .rcptTo, detail: "the message has no recipient", isPermanent: true)
        }
        for recipient in envelope.recipients where recipient.isEmpty || !isSafeAddress(recipient) {
            throw SMTPDeliveryError(stage: .rcptTo, detail: "recipient address \"\(printable(recipient))\" is empty or holds characters not allowed in an envelope", isPermanent: true)
        }
    }

    /// Addresses go between angle brackets on one command line, so brackets, spaces and control bytes are out.
    static func isSafeAddress(_ address: String) -> Bool {
        !address.utf8.contains { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }
    }

    private static func printable(_ text: String) -> String {
        SMTPReplyParser.printable(Array(text.utf8))
    }
}
