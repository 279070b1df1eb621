import Foundation
import Testing
import VigilCheck
import VigilConfig
import VigilCore

@testable import VigilCheckers

@Suite(
    "SMTP_CHECK against servers in namespaces", .serialized,
    .enabled(if: NIOProbeLab.isRoot, "NEEDS ROOT: creates network namespaces (CI runs as root)"))
struct SMTPProbeTests {
    static func probe(_ lab: NIOProbeLab, _ servers: [NIOLabServer], timeout: Duration = .seconds(2)) -> SMTPProbe {
        SMTPProbe(
            endpoints: servers.map { NIOProbeLab.endpoint($0.address, port: $0.port, timeout: timeout) },
            heloName: "director.example", group: lab.group)
    }

    @Test("greeting, EHLO answered 250 over several lines, QUIT", .timeLimit(.minutes(1)))
    func passes() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "smtp"])
            #expect(await Self.probe(lab, [server]).run() == .success)
            let commands = try await server.awaitEntries("smtp", count: 2).compactMap { $0["command"] as? String }
            #expect(commands == ["EHLO director.example", "QUIT"])
        }
    }

    @Test("a server that does not know EHLO is asked HELO", .timeLimit(.minutes(1)))
    func heloFallback() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "smtp", "ehlo_reply": "502 5.5.2 command not recognized"])
            #expect(await Self.probe(lab, [server]).run() == .success)
            let commands = try await server.awaitEntries("smtp", count: 3).compactMap { $0["command"] as? String }
            #expect(commands == ["EHLO director.example", "HELO director.example", "QUIT"])
        }
    }

    @Test("a 554 greeting or a refused HELO fails with bad_reply", .timeLimit(.minutes(1)))
    func badReplies() async throws {
        try await NIOProbeLab.run { lab in
            let busy = try await lab.startServer(["mode": "smtp", "banner": "554 5.3.2 not accepting mail"])
            let outcome = await Self.probe(lab, [busy]).run()
            let detail = "192.0.2.2:\(busy.port): greeting 554 5.3.2 not accepting mail, expected 220"
            #expect(outcome == .failure(CheckFailure(.badReply, detail)))

            let refusing = try await lab.startServer([
                "mode": "smtp", "ehlo_reply": "500 no", "helo_reply": "550 go away",
            ])
            let heloOutcome = await Self.probe(lab, [refusing]).run()
            #expect(heloOutcome.resultLabel == "bad_reply")
            #expect(heloOutcome == .failure(CheckFailure(.badReply, "192.0.2.2:\(refusing.port): HELO answered 550 go away, expected 250")))

            let garbage = try await lab.startServer(["mode": "smtp", "banner": "SSH-2.0-OpenSSH_9.2"])
            #expect(await Self.probe(lab, [garbage]).run().resultLabel == "bad_reply")
        }
    }

    @Test("every host must pass: the second one down fails the check, named", .timeLimit(.minutes(1)))
    func everyHost() async throws {
        try await NIOProbeLab.run { lab in
            let first = try await lab.startServer(["mode": "smtp"])
            let second = try await lab.startServer(["mode": "smtp"])
            #expect(await Self.probe(lab, [first, second]).run() == .success)
            await second.stop()
            let outcome = await Self.probe(lab, [first, second]).run()
            #expect(outcome.resultLabel == "refused")
            if case .failure(let failure) = outcome { #expect(failure.detail.hasPrefix("192.0.2.2:\(second.port):")) }
        }
    }

    @Test("a server that accepts and never greets: timeout within connect_timeout plus slack", .timeLimit(.minutes(1)))
    func silent() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "silent"])
            let (outcome, elapsed) = await NIOProbeLab.timed(Self.probe(lab, [server], timeout: .seconds(1)))
            #expect(outcome.resultLabel == "timeout", "\(outcome)")
            #expect(elapsed < .seconds(1) + NIOProbeLab.timeoutSlack, "took \(elapsed)")
        }
    }

    /// aiosmtpd as Debian (python3-aiosmtpd) or pip installs it for /usr/bin/python3.
    static let hasAiosmtpd = ["/usr/lib/python3/dist-packages/aiosmtpd", "/usr/local/lib/python3.11/dist-packages/aiosmtpd"]
        .contains { FileManager.default.fileExists(atPath: $0) }

    @Test(
        "a real SMTP server (aiosmtpd) passes", .timeLimit(.minutes(1)),
        .enabled(if: hasAiosmtpd, "aiosmtpd is not installed for /usr/bin/python3 (apt-get install python3-aiosmtpd)"))
    func aiosmtpd() async throws {
        try await NIOProbeLab.run { lab in
            let port = lab.freshPort()
            let script = """
                import time
                from aiosmtpd.controller import Controller
                from aiosmtpd.handlers import Sink
                controller = Controller(Sink(), hostname="192.0.2.2", port=\(port))
                controller.start()
                open("\(lab.directory.path)/smtp_peer.ready", "w").close()
                while True:
                    time.sleep(60)
                """
            let path = lab.directory.appendingPathComponent("smtp_peer.py")
            try script.write(to: path, atomically: true, encoding: .utf8)
            _ = try await lab.startInServerNamespace([NIOProbeLab.python, path.path], name: "smtp_peer", port: port)
            let probe = SMTPProbe(
                endpoints: [NIOProbeLab.endpoint(port: port)], heloName: "director.example", group: lab.group)
            #expect(await probe.run() == .success)
        }
    }
}

@Suite("SMTP probe pieces (no network)")
struct SMTPProbePieceTests {
    @Test("replies: single, multi-line, split across reads, bare LF")
    func replies() throws {
        var reader = SMTPReplyReader()
        #expect(try reader.feed(Array("220 ready\r\n".utf8)) == [SMTPReply(code: 220, lines: ["ready"])])
        #expect(try reader.feed(Array("250-first\r\n250-sec".utf8)) == [])
        #expect(try reader.feed(Array("ond\r\n250 last\n221 bye\r\n".utf8)) == [
            SMTPReply(code: 250, lines: ["first", "second", "last"]), SMTPReply(code: 221, lines: ["bye"]),
        ])
        #expect(try reader.feed(Array("250\r\n".utf8)) == [SMTPReply(code: 250, lines: [""])])
    }

    @Test("not SMTP, a code that changes mid-reply, and overlong input are bad_reply", arguments: [
        "HTTP/1.1 400 Bad Request\r\n",
        "220-one\r\n250 two\r\n",
        "2x0 hello\r\n",
        "220+hello\r\n",
        "999 nine\r\n",
        String(repeating: "2", count: 5000),
    ])
    func badInput(text: String) {
        var reader = SMTPReplyReader()
        #expect(throws: CheckFailure.self) { try reader.feed(Array(text.utf8)) }
    }

    @Test("a reply of too many lines is bad_reply")
    func tooManyLines() {
        var reader = SMTPReplyReader()
        let text = String(repeating: "250-more\r\n", count: SMTPReplyReader.maximumLinesPerReply + 1)
        #expect(throws: CheckFailure.self) { try reader.feed(Array(text.utf8)) }
    }

    @Test("endpoints: one per host, unset fields from the checker and then the real server")
    func endpoints() throws {
        let text = """
            virtual_server 203.0.113.10 25 {
                protocol TCP
                real_server 192.0.2.2 25 {
                    SMTP_CHECK {
                        connect_timeout 3
                        bindto 192.0.2.1
                        host {
                            connect_ip 192.0.2.20
                        }
                        host {
                            connect_ip 192.0.2.21
                            connect_port 2525
                            bindto 192.0.2.3
                        }
                    }
                }
            }
            """
        let result = ConfigLoader.load(text: text)
        let realServer = try #require(result.configuration.lvs.virtualServers.first?.realServers.first)
        guard case .smtp(let check) = try #require(realServer.checkers.first) else {
            Issue.record("not an SMTP checker")
            return
        }
        let endpoints = SMTPProbe.endpoints(check: check, realServer: realServer)
        #expect(endpoints.map(\.address) == [IPAddress("192.0.2.20"), IPAddress("192.0.2.21")])
        #expect(endpoints.map(\.port) == [25, 2525])
        #expect(endpoints.map(\.bindAddress) == [IPAddress("192.0.2.1"), IPAddress("192.0.2.3")])
        #expect(endpoints.allSatisfy { $0.connectTimeout == .seconds(3) })
    }
}
