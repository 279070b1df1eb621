import Foundation
import Testing
import VigilMailer

/// The transport against the real aiosmtpd server (Tests/Support/smtp_server.py) on 127.0.0.1.
@Suite(
    "SMTP transport against aiosmtpd", .timeLimit(.minutes(1)),
    .enabled(
        if: SMTPTestLab.canRun,
        "NEEDS aiosmtpd for /usr/bin/python3 (apt-get install python3-aiosmtpd) and /usr/bin/openssl; CI has both"))
struct SMTPMailTransportTests {
    let transport = SMTPMailTransport()

    static let message = """
        From: Vigil <vigil@example.org>
        To: ops@example.org, oncall@example.org
        Subject: [director1] VRRP Instance VI_1 - Entering MASTER state

        VI_1 became MASTER.
        .a line that starts with a dot
        ..and one with two
        .
        last line
        """

    static let envelope = MailEnvelope(
        from: "vigil@example.org", recipients: ["ops@example.org", "oncall@example.org"], message: message)

    /// What the server must have stored: CRLF line ends, dots un-stuffed again, no terminator.
    static var expectedBytes: [UInt8] {
        Array(message.split(separator: "\n", omittingEmptySubsequences: false).map { $0 + "\r\n" }.joined().utf8)
    }

    private func settings(
        _ server: SMTPTestLab.Server, host: String = "127.0.0.1", tls: SMTPTLSMode = .none,
        credentials: SMTPCredentials? = nil, caFile: String? = nil, verify: Bool = true
    ) -> SMTPServerSettings {
        SMTPServerSettings(
            host: host, port: server.port, heloName: "director1.example.org", tls: tls, credentials: credentials,
            caFile: caFile, verifyCertificate: verify, connectTimeout: .seconds(10))
    }

    private func failure(_ envelope: MailEnvelope, _ settings: SMTPServerSettings) async -> SMTPDeliveryError? {
        do {
            let receipt = try await transport.deliver(envelope, via: settings)
            Issue.record("expected a failure, got \(receipt)")
            return nil
        } catch {
            return error
        }
    }

    @Test("plain: several recipients, the message arrives byte for byte")
    func plainDelivery() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "plain")
            let receipt = try await transport.deliver(Self.envelope, via: settings(server))
            #expect(receipt.reply.hasPrefix("250"))
            #expect(receipt.refusedRecipients.isEmpty)
            let messages = try server.messages()
            try #require(messages.count == 1)
            #expect(messages[0].envelope["mail_from"] as? String == "vigil@example.org")
            #expect(messages[0].envelope["rcpt_tos"] as? [String] == ["ops@example.org", "oncall@example.org"])
            #expect(messages[0].envelope["tls"] as? Bool == false)
            #expect(messages[0].raw == Self.expectedBytes)
        }
    }

    @Test("STARTTLS required, AUTH PLAIN with the right password: delivered over TLS as the user")
    func startTLSWithAuth() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "starttls", auth: "alice:correct-horse")
            let credentials = SMTPCredentials(user: "alice", password: "correct-horse")
            _ = try await transport.deliver(
                Self.envelope, via: settings(server, tls: .starttls, credentials: credentials, caFile: lab.certificate))
            let messages = try server.messages()
            try #require(messages.count == 1)
            #expect(messages[0].envelope["tls"] as? Bool == true)
            #expect(messages[0].envelope["auth_user"] as? String == "alice")
            #expect(messages[0].raw == Self.expectedBytes)
            #expect(server.log().contains("auth PLAIN ok alice"))
        }
    }

    @Test("a wrong password fails permanently at auth, and no description holds the password")
    func wrongPassword() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "starttls", auth: "alice:correct-horse")
            let credentials = SMTPCredentials(user: "alice", password: "wrong-battery-staple")
            let error = await failure(
                    Self.envelope, settings(server, tls: .starttls, credentials: credentials, caFile: lab.certificate))
            #expect(error?.stage == .auth)
            #expect(error?.code == 535)
            #expect(error?.isPermanent == true)
            let text = "\(String(describing: error)) \(error?.detail ?? "")"
            #expect(!text.contains("wrong-battery-staple"))
            #expect(text.contains("alice"))
            #expect(try server.messages().isEmpty)
        }
    }

    @Test("implicit TLS with the test CA, by host name: delivered with AUTH")
    func implicitTLS() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "tls", auth: "alice:correct-horse")
            let credentials = SMTPCredentials(user: "alice", password: "correct-horse")
            _ = try await transport.deliver(
                Self.envelope, via: settings(server, host: "localhost", tls: .tls, credentials: credentials, caFile: lab.certificate))
            let messages = try server.messages()
            try #require(messages.count == 1)
            #expect(messages[0].envelope["tls"] as? Bool == true)
            #expect(messages[0].envelope["auth_user"] as? String == "alice")
        }
    }

    @Test("an untrusted certificate is refused at tls, permanently; with verification off it is delivered")
    func untrustedCertificate() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "tls")
            let error = await failure(Self.envelope, settings(server, tls: .tls))
            #expect(error?.stage == .tls)
            #expect(error?.isPermanent == true)
            #expect(error?.detail.contains("not trusted") == true, "\(String(describing: error))")
            #expect(error?.detail.contains("vigil_smtp_ca_file") == true, "\(String(describing: error))")
            #expect(try server.messages().isEmpty)

            let starttlsServer = try await lab.startServer(mode: "starttls")
            let starttlsError = await failure(Self.envelope, settings(starttlsServer, tls: .starttls))
            #expect(starttlsError?.stage == .tls)
            #expect(starttlsError?.isPermanent == true, "\(String(describing: starttlsError))")

            _ = try await transport.deliver(Self.envelope, via: settings(server, tls: .tls, verify: false))
            #expect(try server.messages().count == 1)
        }
    }

    @Test("credentials without TLS are refused before any connection")
    func credentialsInClear() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "plain", auth: "alice:correct-horse")
            let credentials = SMTPCredentials(user: "alice", password: "correct-horse")
            let error = await failure(Self.envelope, settings(server, credentials: credentials))
            #expect(error?.stage == .auth)
            #expect(error?.isPermanent == true)
            #expect(!server.log().contains("connect"), "the server saw: \(server.log())")
        }
    }

    @Test("STARTTLS required but not offered fails permanently at starttls")
    func startTLSNotOffered() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "plain")
            let error = await failure(Self.envelope, settings(server, tls: .starttls, caFile: lab.certificate))
            #expect(error?.stage == .starttls)
            #expect(error?.isPermanent == true)
            #expect(error?.detail.contains("does not offer STARTTLS") == true)
        }
    }

    @Test("some recipients refused: delivered to the rest and listed; all refused: rcpt_to, permanent")
    func refusedRecipients() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "plain", refuse: ["oncall@example.org", "gone@example.org"])
            let receipt = try await transport.deliver(Self.envelope, via: settings(server))
            #expect(receipt.refusedRecipients == ["oncall@example.org"])
            let messages = try server.messages()
            try #require(messages.count == 1)
            #expect(messages[0].envelope["rcpt_tos"] as? [String] == ["ops@example.org"])

            let allRefused = MailEnvelope(from: "vigil@example.org", recipients: ["oncall@example.org", "gone@example.org"], message: "x")
            let error = await failure(allRefused, settings(server))
            #expect(error?.stage == .rcptTo)
            #expect(error?.code == 550)
            #expect(error?.isPermanent == true)
            #expect(try server.messages().count == 1)
        }
    }

    @Test("nothing listening: connect, worth a retry")
    func nothingListening() async throws {
        let port = try await SMTPTestLab.closedPort()
        let settings = SMTPServerSettings(host: "127.0.0.1", port: port, heloName: "director1", connectTimeout: .seconds(5))
        let error = await failure(Self.envelope, settings)
        #expect(error?.stage == .connect)
        #expect(error?.isPermanent == false)
    }

    @Test("a server that never greets fails at greeting within the timeout")
    func silentServer() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "plain", greetingDelay: 30)
            var silent = settings(server)
            silent.connectTimeout = .seconds(1)
            let (error, elapsed) = await SMTPTestLab.timed { await failure(Self.envelope, silent) }
            #expect(error?.stage == .greeting)
            #expect(error?.isPermanent == false)
            #expect(error?.detail.contains("no reply") == true, "\(String(describing: error))")
            #expect(elapsed < .seconds(1) + SMTPTestLab.timeoutSlack, "took \(elapsed)")
        }
    }

    @Test("a greeting that is not SMTP fails at greeting, without a crash")
    func garbageGreeting() async throws {
        let peer = try await ScriptedPeer.start(greeting: "HTTP/1.1 200 OK\r\n\r\n\u{1}\u{0}\n")
        let settings = SMTPServerSettings(host: "127.0.0.1", port: peer.port, heloName: "director1", connectTimeout: .seconds(5))
        let error = await failure(Self.envelope, settings)
        await peer.stop()
        #expect(error?.stage == .greeting)
        #expect(error?.detail.contains("not SMTP") == true, "\(String(describing: error))")
    }

    @Test("a 554 greeting is a permanent refusal")
    func refusedGreeting() async throws {
        let peer = try await ScriptedPeer.start(greeting: "554-no mail from you\r\n554 go away\r\n")
        let settings = SMTPServerSettings(host: "127.0.0.1", port: peer.port, heloName: "director1", connectTimeout: .seconds(5))
        let error = await failure(Self.envelope, settings)
        await peer.stop()
        #expect(error?.stage == .greeting)
        #expect(error?.code == 554)
        #expect(error?.isPermanent == true)
        #expect(error?.detail.contains("go away") == true)
    }

    @Test("EHLO refused: HELO, then the message; nothing needing extensions is tried")
    func heloFallback() async throws {
        let peer = try await ScriptedPeer.start(greeting: "220 old.example\r\n", replies: [
            "502 5.5.1 EHLO not implemented\r\n", "250 old.example\r\n", "250 ok\r\n", "250 ok\r\n", "250 ok\r\n",
            "354 go on\r\n", "250 queued as 42\r\n", "221 bye\r\n",
        ])
        let settings = SMTPServerSettings(host: "127.0.0.1", port: peer.port, heloName: "director1", connectTimeout: .seconds(5))
        let receipt = try await transport.deliver(Self.envelope, via: settings)
        await peer.stop()
        #expect(receipt.reply == "250 queued as 42")
        #expect(peer.commands == [
            "EHLO director1", "HELO director1", "MAIL FROM:<vigil@example.org>", "RCPT TO:<ops@example.org>",
            "RCPT TO:<oncall@example.org>", "DATA", "QUIT",
        ])
    }

    @Test("a reply injected in clear behind the STARTTLS 220 stops the session")
    func startTLSInjection() async throws {
        let peer = try await ScriptedPeer.start(greeting: "220 mx.example\r\n", replies: [
            "250-mx.example\r\n250 STARTTLS\r\n", "220 go ahead\r\n250 injected\r\n",
        ])
        let settings = SMTPServerSettings(
            host: "127.0.0.1", port: peer.port, heloName: "director1", tls: .starttls, connectTimeout: .seconds(5))
        let error = await failure(Self.envelope, settings)
        await peer.stop()
        #expect(error?.stage == .starttls)
        #expect(error?.isPermanent == true)
        #expect(error?.detail.contains("in clear") == true, "\(String(describing: error))")
    }

    @Test("a recipient deferred with 4xx fails the whole delivery for a retry")
    func deferredRecipient() async throws {
        let peer = try await ScriptedPeer.start(greeting: "220 mx.example\r\n", replies: [
            "250 mx.example\r\n", "250 ok\r\n", "250 ok\r\n", "451 4.3.0 try later\r\n", "221 bye\r\n",
        ])
        let settings = SMTPServerSettings(host: "127.0.0.1", port: peer.port, heloName: "director1", connectTimeout: .seconds(5))
        let error = await failure(Self.envelope, settings)
        await peer.stop()
        #expect(error?.stage == .rcptTo)
        #expect(error?.code == 451)
        #expect(error?.isPermanent == false)
        #expect(!peer.commands.contains("DATA"))
    }

    @Test("AUTH LOGIN when the server offers no PLAIN")
    func authLogin() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "starttls", auth: "alice:correct-horse", authMechanisms: ["LOGIN"])
            let credentials = SMTPCredentials(user: "alice", password: "correct-horse")
            _ = try await transport.deliver(
                Self.envelope, via: settings(server, tls: .starttls, credentials: credentials, caFile: lab.certificate))
            #expect(server.log().contains("auth LOGIN ok alice"), "\(server.log())")
            #expect(try server.messages().count == 1)
        }
    }

    @Test("cancelling a delivery ends it at once, not at the reply timeout")
    func cancellation() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "plain", greetingDelay: 30)
            var silent = settings(server)
            silent.connectTimeout = .seconds(20)
            let (transport, request) = (self.transport, silent)
            let (result, elapsed) = await SMTPTestLab.timed {
                let delivery = Task { () -> Result<SMTPDeliveryReceipt, SMTPDeliveryError> in
                    do throws(SMTPDeliveryError) {
                        return .success(try await transport.deliver(Self.envelope, via: request))
                    } catch {
                        return .failure(error)
                    }
                }
                try? await Task.sleep(for: .milliseconds(500))
                delivery.cancel()
                return await delivery.value
            }
            guard case .failure(let error) = result else {
                Issue.record("a cancelled delivery succeeded")
                return
            }
            #expect(error.stage == .greeting)
            #expect(error.detail.contains("cancelled"), "\(error)")
            #expect(elapsed < .seconds(5), "took \(elapsed)")
        }
    }

    @Test("an IPv6 literal in brackets reaches a server on ::1", .enabled(if: SMTPTestLab.hasIPv6Loopback, "NEEDS ::1 on lo"))
    func ipv6Literal() async throws {
        try await SMTPTestLab.run { lab in
            let server = try await lab.startServer(mode: "plain", host: "::1")
            _ = try await transport.deliver(Self.envelope, via: settings(server, host: "[::1]"))
            #expect(try server.messages().count == 1)
        }
    }

    @Test("a CA file that cannot be read fails permanently at tls, before connecting")
    func missingCAFile() async throws {
        let port = try await SMTPTestLab.closedPort()
        let settings = SMTPServerSettings(
            host: "127.0.0.1", port: port, heloName: "director1", tls: .tls, caFile: "/nonexistent/vigil-ca.pem",
            connectTimeout: .seconds(5))
        let error = await failure(Self.envelope, settings)
        #expect(error?.stage == .tls, "\(String(describing: error))")
        #expect(error?.isPermanent == true)
        #expect(error?.detail.contains("vigil_smtp_ca_file /nonexistent/vigil-ca.pem") == true, "\(String(describing: error))")
    }
}
