import NIOSSL

/// The SMTP conversation for one message on a connected channel (RFC 5321, RFC 3207 STARTTLS,
/// RFC 4954 AUTH); the caller connects before and closes after.
struct SMTPDialogue: Sendable {
    let connection: SMTPChannel
    let server: SMTPServerSettings
    let tlsContext: NIOSSLContext?

    func run(_ envelope: MailEnvelope) async throws(SMTPDeliveryError) -> SMTPDeliveryReceipt {
        if server.tls == .tls {
            try await connection.startTLS(context: try requireTLSContext(), serverHostname: sniName, stage: .tls)
        }
        try await readGreeting()
        var capabilities = try await greet()
        if server.tls == .starttls {
            capabilities = try await startTLS(capabilities)
        }
        if let credentials = server.credentials {
            try await authenticate(credentials, capabilities)
        }
        let receipt = try await transfer(envelope, capabilities)
        await quit()
        return receipt
    }

    /// SNI and the certificate name check use the host name; an IP literal is left out of SNI
    /// (RFC 6066 forbids it) and NIOSSL then checks the certificate's IP SAN against the peer address.
    private var sniName: String? {
        SMTPHost.isIPLiteral(server.host) ? nil : SMTPHost.unbracketed(server.host)
    }

    private func requireTLSContext() throws(SMTPDeliveryError) -> NIOSSLContext {
        guard let tlsContext else {
            throw connection.failure(.tls, detail: "no TLS context was prepared", permanent: true)
        }
        return tlsContext
    }

    private func readGreeting() async throws(SMTPDeliveryError) {
        let greeting: SMTPReply
        do {
            greeting = try await connection.read(stage: .greeting)
        } catch {
            // A silent implicit-TLS server is usually one whose handshake never finished.
            if server.tls == .tls, error.stage == .greeting, error.code == nil, !(await connection.tlsHandshakeCompleted()) {
                throw connection.failure(.tls, detail: "TLS handshake did not complete: \(error.detail)", permanent: false)
            }
            throw error
        }
        guard greeting.code == 220 else {
            throw connection.failure(.greeting, reply: greeting, what: "the server refused the session")
        }
    }

    /// EHLO, or HELO when EHLO is refused and nothing needs extensions.
    private func greet() async throws(SMTPDeliveryError) -> SMTPCapabilities {
        let reply = try await connection.command("EHLO \(server.heloName)", stage: .ehlo)
        if reply.code == 250 { return SMTPCapabilities(ehloReply: reply) }
        let needsExtensions = server.tls != .none || server.credentials != nil
        guard reply.isPermanentFailure, !needsExtensions else {
            throw connection.failure(.ehlo, reply: reply, what: "the server refused EHLO")
        }
        let helo = try await connection.command("HELO \(server.heloName)", stage: .ehlo)
        guard helo.code == 250 else {
            throw connection.failure(.ehlo, reply: helo, what: "the server refused EHLO and HELO")
        }
        return SMTPCapabilities(keywords: [], authMechanisms: [])
    }

    private func startTLS(_ capabilities: SMTPCapabilities) async throws(SMTPDeliveryError) -> SMTPCapabilities {
        guard capabilities.offersStartTLS else {
            throw connection.failure(.starttls, detail: "server does not offer STARTTLS (vigil_smtp_tls starttls requires it)", permanent: true)
        }
        let reply = try await connection.command("STARTTLS", stage: .starttls)
        guard reply.code == 220 else {
            throw connection.failure(.starttls, reply: reply, what: "the server refused STARTTLS")
        }
        // Bytes that arrived in clear after the 220 would be read as if TLS-protected (the CVE-2011-0411 class).
        guard !(await connection.hasUnreadInput()) else {
            throw connection.failure(.starttls, detail: "the server sent data in clear after agreeing to STARTTLS", permanent: true)
        }
        try await connection.startTLS(context: try requireTLSContext(), serverHostname: sniName, stage: .tls)
        let ehlo: SMTPReply
        do {
            ehlo = try await connection.command("EHLO \(server.heloName)", stage: .ehlo)
        } catch {
            if error.stage == .ehlo, error.code == nil, !(await connection.tlsHandshakeCompleted()) {
                throw connection.failure(.tls, detail: "TLS handshake did not complete: \(error.detail)", permanent: false)
            }
            throw error
        }
        guard ehlo.code == 250 else {
            throw connection.failure(.ehlo, reply: ehlo, what: "the server refused EHLO after STARTTLS")
        }
        return SMTPCapabilities(ehloReply: ehlo)
    }

    private func authenticate(_ credentials: SMTPCredentials, _ capabilities: SMTPCapabilities) async throws(SMTPDeliveryError) {
        let user = SMTPReplyParser.printable(Array(credentials.user.utf8))
        let final: SMTPReply
        if capabilities.authMechanisms.contains("PLAIN") {
            final = try await connection.command("AUTH PLAIN \(Self.plainResponse(credentials))", stage: .auth)
        } else if capabilities.authMechanisms.contains("LOGIN") {
            let start = try await connection.command("AUTH LOGIN", stage: .auth)
            guard start.code == 334 else {
                throw connection.failure(.auth, reply: start, what: "the server refused AUTH LOGIN for user \(user)")
            }
            let afterUser = try await connection.command(SMTPBase64.encode(Array(credentials.user.utf8)), stage: .auth)
            guard afterUser.code == 334 else {
                throw connection.failure(.auth, reply: afterUser, what: "the server refused user \(user)")
            }
            final = try await connection.command(SMTPBase64.encode(Array(credentials.password.utf8)), stage: .auth)
        } else {
            let offered = capabilities.authMechanisms.sorted().joined(separator: " ")
            throw connection.failure(
                .auth,
                detail: "the server offers no AUTH mechanism Vigil speaks (PLAIN, LOGIN); it offers: \(offered.isEmpty ? "none" : offered)",
                permanent: true)
        }
        guard final.code == 235 else {
            // 535 and other 5xx mean the credentials are wrong; 454 and other 4xx are the server's trouble.
            let failure = connection.failure(.auth, reply: final, what: "the server rejected the credentials for user \(user)")
            throw SMTPDeliveryError(
                stage: .auth, code: failure.code, detail: failure.detail,
                isPermanent: !(400..<500).contains(final.code))
        }
    }

    /// The SASL PLAIN initial response: base64 of NUL user NUL password.
    static func plainResponse(_ credentials: SMTPCredentials) -> String {
        SMTPBase64.encode([0] + Array(credentials.user.utf8) + [0] + Array(credentials.password.utf8))
    }

    private func transfer(_ envelope: MailEnvelope, _ capabilities: SMTPCapabilities) async throws(SMTPDeliveryError) -> SMTPDeliveryReceipt {
        let body = SMTPMessageData.needs8Bit(envelope.message) && capabilities.offers8BitMIME ? " BODY=8BITMIME" : ""
        let mailFrom = try await connection.command("MAIL FROM:<\(envelope.from)>\(body)", stage: .mailFrom)
        guard mailFrom.code == 250 else {
            throw connection.failure(.mailFrom, reply: mailFrom, what: "the server refused sender <\(envelope.from)>")
        }
        var refused: [(recipient: String, reply: SMTPReply)] = []
        for recipient in envelope.recipients {
            let reply = try await connection.command("RCPT TO:<\(recipient)>", stage: .rcptTo)
            if reply.code == 250 || reply.code == 251 { continue }
            // A deferred recipient fails the whole delivery, so the retry reaches everyone once.
            guard reply.isPermanentFailure else {
                throw connection.failure(.rcptTo, reply: reply, what: "the server deferred recipient <\(recipient)>")
            }
            refused.append((recipient, reply))
        }
        if refused.count == envelope.recipients.count {
            let reasons = refused.map { "<\($0.recipient)>: \($0.reply.summary)" }.joined(separator: "; ")
            throw SMTPDeliveryError(
                stage: .rcptTo, code: refused.last?.reply.code,
                detail: connection.failure(.rcptTo, detail: "the server refused every recipient: \(reasons)", permanent: true).detail,
                isPermanent: true)
        }
        let data = try await connection.command("DATA", stage: .data)
        guard data.code == 354 else {
            throw connection.failure(.data, reply: data, what: "the server refused DATA")
        }
        try await connection.write(SMTPMessageData.encode(envelope.message), stage: .message)
        let accepted = try await connection.read(stage: .message)
        guard accepted.code == 250 else {
            throw connection.failure(.message, reply: accepted, what: "the server refused the message")
        }
        return SMTPDeliveryReceipt(reply: accepted.summary, refusedRecipients: refused.map(\.recipient))
    }

    /// The message is accepted already, so whatever QUIT brings changes nothing; the wait for the
    /// 221 is kept short so a sluggish server does not hold the queue.
    private func quit() async {
        do {
            try await connection.send("QUIT", stage: .quit)
            _ = try await connection.read(stage: .quit, limit: .seconds(2))
        } catch {}
    }
}
