import Testing
@testable import VigilMailer

@Suite("SMTP reply parser (no network)")
struct SMTPReplyParserTests {
    private func parse(_ chunks: [String]) throws -> [SMTPReply] {
        var parser = SMTPReplyParser()
        var replies: [SMTPReply] = []
        for chunk in chunks {
            parser.append(Array(chunk.utf8))
            while let reply = try parser.nextReply() { replies.append(reply) }
        }
        return replies
    }

    @Test("single, multi-line, split across reads, bare LF, bare code")
    func wellFormed() throws {
        let replies = try parse([
            "220 ready\r\n250-mx.example\r\n250-AUTH PL", "AIN LOGIN\r", "\n250 8BITMIME\r\n",
            "354\r\n", "221 bye\n",
        ])
        #expect(replies == [
            SMTPReply(code: 220, lines: ["ready"]),
            SMTPReply(code: 250, lines: ["mx.example", "AUTH PLAIN LOGIN", "8BITMIME"]),
            SMTPReply(code: 354, lines: [""]),
            SMTPReply(code: 221, lines: ["bye"]),
        ])
    }

    @Test("an incomplete reply waits for more bytes")
    func incomplete() throws {
        var parser = SMTPReplyParser()
        parser.append(Array("250-one\r\n250 tw".utf8))
        #expect(try parser.nextReply() == nil)
        #expect(parser.hasUnconsumedBytes)
        parser.append(Array("o\r\n".utf8))
        #expect(try parser.nextReply() == SMTPReply(code: 250, lines: ["one", "two"]))
        #expect(!parser.hasUnconsumedBytes)
    }

    @Test("bytes that are not an SMTP reply are an error, not a crash", arguments: [
        "HTTP/1.1 400 Bad Request\r\n", "2x0 hello\r\n", "220+hello\r\n", "999 nine\r\n", "099 low\r\n",
        "22\r\n", "\r\n", "\u{0}\u{1}\u{2}\n",
    ])
    func malformed(text: String) {
        var parser = SMTPReplyParser()
        parser.append(Array(text.utf8))
        #expect(throws: SMTPReplyParseError.self) { try parser.nextReply() }
    }

    @Test("a continuation with another code is an error")
    func inconsistent() {
        var parser = SMTPReplyParser()
        parser.append(Array("220-one\r\n250 two\r\n".utf8))
        #expect(throws: SMTPReplyParseError.inconsistentCodes(first: 220, later: 250)) { try parser.nextReply() }
    }

    @Test("a reply longer than the limit is an error, with or without line ends")
    func tooLong() {
        var endless = SMTPReplyParser(maximumReplyBytes: 1024)
        endless.append(Array(repeating: UInt8(ascii: "2"), count: 2000))
        #expect(throws: SMTPReplyParseError.tooLong(limit: 1024)) { try endless.nextReply() }

        var manyLines = SMTPReplyParser(maximumReplyBytes: 1024)
        manyLines.append(Array(String(repeating: "250-more\r\n", count: 200).utf8))
        #expect(throws: SMTPReplyParseError.tooLong(limit: 1024)) { try manyLines.nextReply() }
    }

    @Test("invalid UTF-8 and control bytes in the text come out printable")
    func printable() throws {
        var parser = SMTPReplyParser()
        parser.append([UInt8(ascii: "5"), UInt8(ascii: "5"), UInt8(ascii: "0"), UInt8(ascii: " "), 0xFF, 0x07, UInt8(ascii: "x"), 13, 10])
        let reply = try parser.nextReply()
        #expect(reply == SMTPReply(code: 550, lines: ["\u{FFFD}?x"]))
        #expect(reply?.isPermanentFailure == true)
    }
}

@Suite("SMTP message data, capabilities, base64 and request checks (no network)")
struct SMTPPiecesTests {
    private func encoded(_ message: String) -> String {
        String(decoding: SMTPMessageData.encode(message), as: UTF8.self)
    }

    @Test("line ends become CRLF, leading dots are doubled, the terminator follows")
    func messageData() {
        #expect(encoded("Subject: x\n\n.hidden\n..two\nend") == "Subject: x\r\n\r\n..hidden\r\n...two\r\nend\r\n.\r\n")
        #expect(encoded("a\r\nb\r\n") == "a\r\nb\r\n.\r\n")
        #expect(encoded("a\rb\n\n") == "a\r\nb\r\n\r\n.\r\n")
        #expect(encoded(".\n") == "..\r\n.\r\n")
        #expect(encoded("not.at.start\n") == "not.at.start\r\n.\r\n")
        #expect(encoded("") == ".\r\n")
        #expect(SMTPMessageData.needs8Bit("caf\u{E9}"))
        #expect(!SMTPMessageData.needs8Bit("plain"))
    }

    @Test("EHLO keywords and AUTH mechanisms, including the old AUTH= form")
    func capabilities() {
        let reply = SMTPReply(code: 250, lines: ["mx.example greets you", "starttls", "AUTH=LOGIN", "auth plain cram-md5", "8BITMIME", ""])
        let capabilities = SMTPCapabilities(ehloReply: reply)
        #expect(capabilities.offersStartTLS)
        #expect(capabilities.offers8BitMIME)
        #expect(capabilities.authMechanisms == ["LOGIN", "PLAIN", "CRAM-MD5"])
        #expect(!SMTPCapabilities(ehloReply: SMTPReply(code: 250, lines: ["STARTTLS"])).offersStartTLS)
    }

    @Test("base64 matches RFC 4648's vectors and builds the PLAIN response")
    func base64() {
        let vectors = ["": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=", "foobar": "Zm9vYmFy"]
        for (plain, encoded) in vectors {
            #expect(SMTPBase64.encode(Array(plain.utf8)) == encoded)
        }
        #expect(SMTPDialogue.plainResponse(SMTPCredentials(user: "tim", password: "tanstaaftanstaaf")) == "AHRpbQB0YW5zdGFhZnRhbnN0YWFm")
    }

    @Test("the password shows in no description")
    func redaction() {
        let credentials = SMTPCredentials(user: "alice", password: "hunter2-secret")
        #expect(!"\(credentials)".contains("hunter2"))
        #expect("\(credentials)".contains("alice"))
        let settings = SMTPServerSettings(host: "mx.example", heloName: "node1", tls: .starttls, credentials: credentials)
        #expect(!"\(settings)".contains("hunter2"))
    }

    private func rejection(_ envelope: MailEnvelope, _ settings: SMTPServerSettings) -> SMTPDeliveryError? {
        do {
            try SMTPRequestValidation.check(envelope, settings)
            return nil
        } catch {
            return error
        }
    }

    @Test("requests that cannot be sent safely fail permanently before any connection")
    func validation() {
        let settings = SMTPServerSettings(host: "192.0.2.25", heloName: "node1")
        let good = MailEnvelope(from: "vigil@example.org", recipients: ["ops@example.org"], message: "x")
        #expect(rejection(good, settings) == nil)
        #expect(rejection(MailEnvelope(from: "a@b", recipients: [], message: "x"), settings)?.stage == .rcptTo)
        #expect(rejection(MailEnvelope(from: "a@b", recipients: ["x@y>\r\nRCPT TO:<z@w"], message: "x"), settings)?.stage == .rcptTo)
        #expect(rejection(MailEnvelope(from: "a@b\r\nRSET", recipients: ["x@y"], message: "x"), settings)?.stage == .mailFrom)
        var clearAuth = settings
        clearAuth.credentials = SMTPCredentials(user: "u", password: "p")
        let authError = rejection(good, clearAuth)
        #expect(authError?.stage == .auth && authError?.isPermanent == true)
        #expect(authError?.detail.contains("AUTH needs TLS") == true)
        var badPort = settings
        badPort.port = 70000
        #expect(rejection(good, badPort)?.stage == .connect)
        var badHelo = settings
        badHelo.heloName = "two words"
        #expect(rejection(good, badHelo)?.stage == .ehlo)
    }

    @Test("hosts: brackets, IP literals, display")
    func hosts() {
        #expect(SMTPHost.unbracketed("[2001:db8::1]") == "2001:db8::1")
        #expect(SMTPHost.isIPLiteral("[2001:db8::1]"))
        #expect(SMTPHost.isIPLiteral("192.0.2.1"))
        #expect(!SMTPHost.isIPLiteral("mail.example.org"))
        #expect(!SMTPHost.isIPLiteral("1.2.3.example"))
        #expect(SMTPHost.display("2001:db8::1", port: 25) == "[2001:db8::1]:25")
    }

    @Test("an error's description names the stage, code and kind")
    func errorDescription() {
        let error = SMTPDeliveryError(stage: .rcptTo, code: 550, detail: "no such user", isPermanent: true)
        #expect(error.description == "SMTP rcpt_to failed 550 (permanent): no such user")
    }
}
