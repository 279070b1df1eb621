import Testing
import VigilPlatform

extension HTTPServerTests {
    @Suite("Control client", .timeLimit(.minutes(1)))
    struct ControlClientBehaviour {
        func run(
            _ reply: String,
            pieceSize: Int = 1 << 20,
            pause: Duration = .zero,
            thenClose: Bool,
            method: String = "GET",
            timeout: Duration = .seconds(5),
            headers: [(name: String, value: String)] = [],
            body: [UInt8] = []
        ) async throws -> (Result<ControlResponse, ControlClientError>, request: String, took: Duration) {
            let fake = try FakeServer()
            fake.serve(FakeServer.pieces(reply, size: pieceSize), pause: pause, thenClose: thenClose)
            let client = ControlClient(endpoint: .tcp(host: "127.0.0.1", port: fake.port), timeout: timeout)
            let start = ContinuousClock.now
            let result = try await blocking {
                Result { () throws(ControlClientError) in try client.request(method, "/x", headers: headers, body: body) }
            }
            return (result, fake.request, elapsed(since: start))
        }

        @Test func chunkedBodyInFragmentsWithTheConnectionLeftOpen() async throws {
            let reply = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n"
                + "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n"
            let (result, _, _) = try await run(reply, pieceSize: 3, pause: .milliseconds(1), thenClose: false)
            let response = try result.get()
            #expect(response.status == 200)
            #expect(response.text == "hello, world")
            #expect(response.header("x-a") == "b")
        }

        @Test func contentLengthWithTheConnectionLeftOpen() async throws {
            let (result, request, _) = try await run("HTTP/1.1 201 Created\r\nContent-Length: 5\r\n\r\nhello", thenClose: false)
            let response = try result.get()
            #expect(response.status == 201)
            #expect(response.text == "hello")
            #expect(request.hasPrefix("GET /x HTTP/1.1\r\n"))
            #expect(request.contains("Connection: close\r\n"))
            #expect(!request.lowercased().contains("accept-encoding"))
        }

        @Test func bodyReadUntilClose() async throws {
            let (result, _, _) = try await run("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil\r\nclose", pieceSize: 4, thenClose: true)
            #expect(try result.get().text == "until\r\nclose")
        }

        @Test func interimResponseIsSkipped() async throws {
            let (result, _, _) = try await run("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", thenClose: false)
            let response = try result.get()
            #expect(response.status == 200)
            #expect(response.text == "ok")
        }

        @Test func requestCarriesCallerHeadersAndBody() async throws {
            let (_, request, _) = try await run(
                "HTTP/1.1 204 No Content\r\n\r\n",
                thenClose: false,
                method: "POST",
                headers: [(name: "Accept-Encoding", value: "gzip"), (name: "Connection", value: "keep-alive")],
                body: Array("abc".utf8)
            )
            #expect(request.hasPrefix("POST /x HTTP/1.1\r\n"))
            #expect(request.contains("Accept-Encoding: gzip\r\n"))
            #expect(request.contains("Content-Length: 3\r\n"))
            #expect(!request.contains("keep-alive"))
        }

        @Test func silentServerTimesOut() async throws {
            let (result, _, took) = try await run("", thenClose: false, timeout: .milliseconds(300))
            guard case .failure(.timedOut(_, let after)) = result else {
                Issue.record("expected a timeout, got \(result)")
                return
            }
            #expect(after == .milliseconds(300))
            #expect(took >= .milliseconds(290))
            #expect(took < .seconds(10), "a timeout of 300 ms must end the wait, whatever the load")
            if case .failure(let error) = result {
                #expect(error.description.hasPrefix("no answer from vigild at 127.0.0.1:"))
                #expect(error.description.hasSuffix(" within 300 ms"))
            }
        }

        @Test func stallInsideTheBodyTimesOut() async throws {
            let (result, _, took) = try await run("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", thenClose: false, timeout: .milliseconds(300))
            guard case .failure(.timedOut) = result else {
                Issue.record("expected a timeout, got \(result)")
                return
            }
            #expect(took < .seconds(10), "a timeout of 300 ms must end the wait, whatever the load")
        }

        @Test func truncatedBodyIsMalformed() async throws {
            let (result, _, _) = try await run("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", thenClose: true)
            guard case .failure(.malformedResponse(_, let reason)) = result else {
                Issue.record("expected malformed, got \(result)")
                return
            }
            #expect(reason == "the connection closed after 3 of 10 body bytes")
        }

        @Test func nonHTTPAnswerIsMalformed() async throws {
            let (result, _, _) = try await run("SSH-2.0-OpenSSH_9.2\r\n\r\n", thenClose: true)
            guard case .failure(.malformedResponse(_, let reason)) = result else {
                Issue.record("expected malformed, got \(result)")
                return
            }
            #expect(reason.hasPrefix("not an HTTP/1.x status line"))
        }

        @Test func nobodyListening() async throws {
            let port = try FakeServer().port  // bound, then closed when the fake goes away
            let tcp = ControlClient(endpoint: .tcp(host: "127.0.0.1", port: port), timeout: .seconds(2))
            #expect {
                try tcp.request("GET", "/")
            } throws: { error in
                guard let error = error as? ControlClientError, case .cannotConnect = error else { return false }
                return error.description == "cannot connect to vigild at 127.0.0.1:\(port): Connection refused"
            }
            let directory = try TemporaryDirectory()
            let unix = ControlClient(endpoint: .unixSocket(path: directory.path + "/none.sock"))
            #expect {
                try unix.request("GET", "/")
            } throws: { error in
                guard let error = error as? ControlClientError, case .cannotConnect = error else { return false }
                return error.description == "cannot connect to vigild at unix:\(directory.path)/none.sock: No such file or directory"
            }
        }
    }
}
