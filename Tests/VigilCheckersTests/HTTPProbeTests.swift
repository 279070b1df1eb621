import Foundation
import Testing
import VigilCheck
import VigilConfig
import VigilCore

@testable import VigilCheckers

@Suite(
    "HTTP_GET and SSL_GET against servers in namespaces", .serialized,
    .enabled(if: NIOProbeLab.isRoot, "NEEDS ROOT: creates network namespaces (CI runs as root)"))
struct HTTPProbeTests {
    /// A probe of the lab's server with the checker block `body`.
    static func probe(
        _ lab: NIOProbeLab, _ server: NIOLabServer, _ body: String, ssl: Bool = false, timeout: Duration = .seconds(2),
        maximumBodyBytes: Int = HTTPProbe.defaultMaximumBodyBytes
    ) throws -> HTTPProbe {
        HTTPProbe(
            endpoint: NIOProbeLab.endpoint(server.address, port: server.port, timeout: timeout),
            check: try NIOProbeLab.httpCheck(body, ssl: ssl), tls: ssl, group: lab.group,
            maximumBodyBytes: maximumBodyBytes)
    }

    static var routes: [String: Any] {
        [
            "/ok": ["status": 200, "body": "all good\n"],
            "/unavailable": ["status": 503, "body": "come back later\n"],
            "/missing": ["status": 404, "body": "no such page\n"],
            "/chunked": ["status": 200, "body": "a body sent in two chunks\n", "chunked": true],
            "/unframed": ["status": 200, "body": "ends when the connection does\n", "no_length": true],
        ]
    }

    @Test("status codes: 200 passes, 503 fails with status, ranges and lists", .timeLimit(.minutes(1)))
    func statusCodes() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "http", "routes": Self.routes])
            #expect(try await Self.probe(lab, server, "url {\npath /ok\n}").run() == .success)
            let unavailable = try await Self.probe(lab, server, "url {\npath /unavailable\n}").run()
            #expect(unavailable == .failure(CheckFailure(.status, "GET /unavailable: HTTP status 503, expected 200-299")))
            #expect(try await Self.probe(lab, server, "url {\npath /unavailable\nstatus_code 503\n}").run() == .success)
            let list = "status_code 200-299 404"
            #expect(try await Self.probe(lab, server, "url {\npath /missing\n\(list)\n}").run() == .success)
            let outside = try await Self.probe(lab, server, "url {\npath /unavailable\n\(list)\n}").run()
            #expect(outside.resultLabel == "status")
        }
    }

    @Test("digest: the body's MD5 (as Python's hashlib computes it) passes, another fails", .timeLimit(.minutes(1)))
    func digests() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "http", "routes": Self.routes])
            let okDigest = try await NIOProbeLab.pythonMD5("all good\n")
            #expect(try await Self.probe(lab, server, "url {\npath /ok\ndigest \(okDigest)\n}").run() == .success)
            let wrong = String(repeating: "0", count: 32)
            let mismatch = try await Self.probe(lab, server, "url {\npath /ok\ndigest \(wrong)\n}").run()
            #expect(mismatch == .failure(CheckFailure(.digest, "GET /ok: body digest \(okDigest), expected \(wrong)")))
            // A chunked body (HTTP/1.1) is digested as decoded; so is one that ends with the connection.
            let chunkedDigest = try await NIOProbeLab.pythonMD5("a body sent in two chunks\n")
            let chunked = "http_protocol 1.1\nurl {\npath /chunked\ndigest \(chunkedDigest)\n}"
            #expect(try await Self.probe(lab, server, chunked).run() == .success)
            let unframedDigest = try await NIOProbeLab.pythonMD5("ends when the connection does\n")
            let unframed = "url {\npath /unframed\ndigest \(unframedDigest)\n}"
            #expect(try await Self.probe(lab, server, unframed).run() == .success)
        }
    }

    @Test("every url must pass, in order; the failing one is named", .timeLimit(.minutes(1)))
    func allURLs() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "http", "routes": Self.routes])
            let body = "url {\npath /ok\n}\nurl {\npath /missing\n}\nurl {\npath /unframed\n}"
            let outcome = try await Self.probe(lab, server, body).run()
            #expect(outcome == .failure(CheckFailure(.status, "GET /missing: HTTP status 404, expected 200-299")))
            #expect(server.entries("request").compactMap { $0["path"] as? String } == ["/ok", "/missing"])
        }
    }

    @Test("Host: the url's virtualhost, else the checker's, else address:port; headers per http_protocol", .timeLimit(.minutes(1)))
    func hostAndProtocol() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "http", "routes": Self.routes])
            let cases: [(String, String, String, String?)] = [
                ("url {\npath /ok\nvirtualhost www.example.com\n}", "www.example.com", "HTTP/1.0", nil),
                ("virtualhost checker.example.net\nhttp_protocol 1.0C\nurl {\npath /ok\n}", "checker.example.net", "HTTP/1.0", "close"),
                ("http_protocol 1.1\nurl {\npath /ok\n}", "192.0.2.2:\(server.port)", "HTTP/1.1", "close"),
            ]
            for (body, host, version, connection) in cases {
                #expect(try await Self.probe(lab, server, body).run() == .success)
                let request = try #require(server.entries("request").last)
                let headers = request["headers"] as? [String: String] ?? [:]
                #expect(headers["host"] == host)
                #expect(request["version"] as? String == version)
                #expect(request["method"] as? String == "GET")
                #expect(headers["connection"] == connection)
                #expect(headers["user-agent"] == "KeepAliveClient")
                #expect(headers["transfer-encoding"] == nil)
            }
        }
    }

    @Test("a server that accepts and never answers: timeout within connect_timeout plus slack", .timeLimit(.minutes(1)))
    func silentServer() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "silent"])
            let probe = try Self.probe(lab, server, "url {\npath /\n}", timeout: .seconds(1))
            let (outcome, elapsed) = await NIOProbeLab.timed(probe)
            #expect(outcome.resultLabel == "timeout", "\(outcome)")
            #expect(elapsed >= .milliseconds(950))
            #expect(elapsed < .seconds(1) + NIOProbeLab.timeoutSlack, "took \(elapsed)")
        }
    }

    @Test("a server that resets the connection: reset", .timeLimit(.minutes(1)))
    func resettingServer() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "reset"])
            let outcome = try await Self.probe(lab, server, "url {\npath /\n}").run()
            #expect(outcome.resultLabel == "reset", "\(outcome)")
        }
    }

    @Test("a listener that is gone: refused", .timeLimit(.minutes(1)))
    func refused() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "http", "routes": Self.routes])
            await server.stop()
            let outcome = try await Self.probe(lab, server, "url {\npath /ok\n}").run()
            #expect(outcome.resultLabel == "refused", "\(outcome)")
        }
    }

    @Test("a body over the limit fails with bad_reply instead of being read whole", .timeLimit(.minutes(1)))
    func bodyLimit() async throws {
        let limit = HTTPProbe.defaultMaximumBodyBytes
        try await NIOProbeLab.run { lab in
            let routes: [String: Any] = [
                "/big": ["status": 200, "body": "x", "repeat": limit + 1],
                "/fits": ["status": 200, "body": "x", "repeat": limit],
            ]
            let server = try await lab.startServer(["mode": "http", "routes": routes])
            let big = try await Self.probe(lab, server, "url {\npath /big\n}").run()
            #expect(big == .failure(CheckFailure(.badReply, "GET /big: body larger than \(limit) bytes")))
            #expect(try await Self.probe(lab, server, "url {\npath /fits\n}").run() == .success)
        }
    }

    @Test("regex, regex_no_match and regex_min_offset/regex_max_offset on the body", .timeLimit(.minutes(1)))
    func regex() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "http", "routes": Self.routes])
            #expect(try await Self.probe(lab, server, "url {\npath /ok\nregex \"a[l]+ go+d\"\n}").run() == .success)
            let noMatch = try await Self.probe(lab, server, "url {\npath /ok\nregex \"^bad\"\n}").run()
            #expect(noMatch.resultLabel == "bad_reply")
            let inverted = "url {\npath /ok\nregex good\nregex_no_match\n}"
            #expect(try await Self.probe(lab, server, inverted).run().resultLabel == "bad_reply")
            let caseless = "url {\npath /ok\nregex GOOD\nregex_options caseless\n}"
            #expect(try await Self.probe(lab, server, caseless).run() == .success)
            // "good" starts at offset 4: allowed by a maximum of 4, not by 3 or a minimum of 5.
            #expect(try await Self.probe(lab, server, "url {\npath /ok\nregex good\nregex_max_offset 4\n}").run() == .success)
            #expect(try await Self.probe(lab, server, "url {\npath /ok\nregex good\nregex_max_offset 3\n}").run().passed == false)
            #expect(try await Self.probe(lab, server, "url {\npath /ok\nregex good\nregex_min_offset 5\n}").run().passed == false)
        }
    }

    @Test("SSL_GET with a self-signed certificate passes without verification; SNI only with enable_sni", .timeLimit(.minutes(1)))
    func tlsSelfSigned() async throws {
        try await NIOProbeLab.run { lab in
            let (certificate, key) = try await lab.makeCertificate()
            let server = try await lab.startServer([
                "mode": "http", "routes": Self.routes, "tls": true, "cert": certificate, "key": key,
            ])
            let digest = try await NIOProbeLab.pythonMD5("all good\n")
            let plain = try Self.probe(lab, server, "url {\npath /ok\ndigest \(digest)\n}", ssl: true)
            #expect(await plain.run() == .success)
            #expect(server.entries("sni").first?["name"] is NSNull)

            let sni = try Self.probe(lab, server, "enable_sni\nvirtualhost www.example.com\nurl {\npath /ok\n}", ssl: true)
            #expect(await sni.run() == .success)
            #expect(server.entries("sni").last?["name"] as? String == "www.example.com")
            let host = server.entries("request").last?["headers"] as? [String: String]
            #expect(host?["host"] == "www.example.com")

            // TLS and a body that ends with the connection (no close_notify from Python): still read whole.
            let unframedDigest = try await NIOProbeLab.pythonMD5("ends when the connection does\n")
            let unframed = try Self.probe(lab, server, "url {\npath /unframed\ndigest \(unframedDigest)\n}", ssl: true)
            #expect(await unframed.run() == .success)
        }
    }

    @Test("SSL_GET against a server that does not speak TLS: tls", .timeLimit(.minutes(1)))
    func tlsAgainstPlainHTTP() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "plaintext"])
            let outcome = try await Self.probe(lab, server, "url {\npath /ok\n}", ssl: true).run()
            #expect(outcome.resultLabel == "tls", "\(outcome)")
        }
    }
}

@Suite("HTTP probe pieces (no network)")
struct HTTPProbePieceTests {
    static func url(_ body: String) throws -> (HTTPCheck, HTTPCheckURL) {
        let check = try NIOProbeLab.httpCheck(body)
        return (check, try #require(check.urls.first))
    }

    @Test("Host header: virtualhost wins, IPv6 in brackets, default ports left out")
    func hostHeader() throws {
        let (check, url) = try Self.url("url {\npath /\n}")
        let v4 = NIOProbeLab.endpoint(NIOProbeLab.serverAddress, port: 80)
        let v6 = NIOProbeLab.endpoint(NIOProbeLab.serverAddressV6, port: 8443)
        #expect(HTTPRequestBuilder.hostHeader(url: url, check: check, endpoint: v4, tls: false) == "192.0.2.2")
        #expect(HTTPRequestBuilder.hostHeader(url: url, check: check, endpoint: v4, tls: true) == "192.0.2.2:80")
        #expect(HTTPRequestBuilder.hostHeader(url: url, check: check, endpoint: v6, tls: true) == "[2001:db8::2]:8443")
        let (vcheck, vurl) = try Self.url("virtualhost a.example\nurl {\npath /\nvirtualhost b.example\n}")
        #expect(HTTPRequestBuilder.hostHeader(url: vurl, check: vcheck, endpoint: v4, tls: false) == "b.example")
    }

    @Test("SNI: only with enable_sni and a name (never an address), port dropped")
    func serverName() throws {
        let (noSni, url) = try Self.url("virtualhost www.example.com\nurl {\npath /\n}")
        #expect(HTTPRequestBuilder.serverName(url: url, check: noSni) == nil)
        let (sni, sniURL) = try Self.url("enable_sni\nvirtualhost www.example.com:8443\nurl {\npath /\n}")
        #expect(HTTPRequestBuilder.serverName(url: sniURL, check: sni) == "www.example.com")
        let (address, addressURL) = try Self.url("enable_sni\nvirtualhost 192.0.2.2\nurl {\npath /\n}")
        #expect(HTTPRequestBuilder.serverName(url: addressURL, check: address) == nil)
        let (v6, v6URL) = try Self.url("enable_sni\nvirtualhost 2001:db8::2\nurl {\npath /\n}")
        #expect(HTTPRequestBuilder.serverName(url: v6URL, check: v6) == nil)
    }

    @Test("verdict: status before digest before regex")
    func verdictOrder() throws {
        let (_, url) = try Self.url("url {\npath /\ndigest \(String(repeating: "a", count: 32))\nregex never\n}")
        let reply = HTTPReply(status: 500, digest: String(repeating: "b", count: 32), body: [])
        #expect(HTTPReplyVerdict.judge(reply, against: url)?.reason == .status)
        let okStatus = HTTPReply(status: 200, digest: String(repeating: "b", count: 32), body: [])
        #expect(HTTPReplyVerdict.judge(okStatus, against: url)?.reason == .digest)
        let okDigest = HTTPReply(status: 200, digest: String(repeating: "a", count: 32), body: Array("x".utf8))
        #expect(HTTPReplyVerdict.judge(okDigest, against: url)?.reason == .badReply)
    }

    @Test("regex options without an equivalent fail clearly; invalid patterns too")
    func regexLimits() throws {
        let (_, firstline) = try Self.url("url {\npath /\nregex x\nregex_options firstline\n}")
        #expect(HTTPBodyRegex.evaluate(firstline, body: Array("x".utf8)) == CheckFailure(.error, "regex option firstline not supported"))
        let (_, broken) = try Self.url("url {\npath /\nregex \"(\"\n}")
        #expect(HTTPBodyRegex.evaluate(broken, body: Array("(".utf8))?.reason == .error)
        let (_, multiline) = try Self.url("url {\npath /\nregex \"^two$\"\nregex_options multiline\n}")
        #expect(HTTPBodyRegex.evaluate(multiline, body: Array("one\ntwo\nthree".utf8)) == nil)
        let (_, single) = try Self.url("url {\npath /\nregex \"^two$\"\n}")
        #expect(HTTPBodyRegex.evaluate(single, body: Array("one\ntwo\nthree".utf8))?.reason == .badReply)
        // Bytes that are not UTF-8 do not stop a match further on.
        let (_, tail) = try Self.url("url {\npath /\nregex ok\n}")
        #expect(HTTPBodyRegex.evaluate(tail, body: [0xff, 0xfe, 0x80] + Array(" ok".utf8)) == nil)
    }
}
