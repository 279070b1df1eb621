import Testing
import VigilHTTP
import VigilPlatform

extension HTTPServerTests {
    @Suite("Misbehaving clients", .timeLimit(.minutes(1)))
    struct Robustness {
        @Test func stalledHalfRequestDelaysNobodyAndIsClosed() async throws {
            let server = try await TestServer.start(limits: HTTPServerLimits(idleTimeout: .milliseconds(300)))
            let port = server.port
            let client = server.client
            let stalled = try RawConnection(port: port)
            let stallStart = ContinuousClock.now
            try stalled.send("GET /metr")

            let start = ContinuousClock.now
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await blocking { try client.request("GET", "/metrics").status } }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: 200, count: 20))
            #expect(elapsed(since: start) < .seconds(10), "the stalled connection held up the others")

            let closed = try await blocking { try stalled.waitForClose(timeout: .seconds(5)) }
            let lifetime = elapsed(since: stallStart)
            #expect(closed)
            #expect(lifetime >= .milliseconds(250))
            #expect(lifetime < .seconds(10))
            await server.shutdown()
        }

        @Test func idleTimeoutDoesNotCutASlowHandler() async throws {
            let server = try await TestServer.start(limits: HTTPServerLimits(idleTimeout: .milliseconds(300)))
            let client = server.client
            let response = try await blocking { try client.request("GET", "/slow") }
            #expect(response.status == 200)
            #expect(response.text == "slow\n")
            await server.shutdown()
        }

        @Test func slowHandlerDoesNotDelayAFastRequest() async throws {
            let server = try await TestServer.start()
            let client = server.client
            let slowStart = ContinuousClock.now
            async let slow = blocking { try client.request("GET", "/slow") }
            try await Task.sleep(for: .milliseconds(100))  // the slow request is in the handler now
            let fastStart = ContinuousClock.now
            let fast = try await blocking { try client.request("GET", "/fast") }
            let fastTime = elapsed(since: fastStart)
            #expect(fast.status == 200)
            #expect(fastTime < .milliseconds(1900), "the fast request waited for the slow handler (2 s)")
            let slowResponse = try await slow
            #expect(slowResponse.text == "slow\n")
            #expect(elapsed(since: slowStart) >= .seconds(2))
            await server.shutdown()
        }

        @Test func bodyOverLimitGets413AndClose() async throws {
            let server = try await TestServer.start(limits: HTTPServerLimits(maxRequestBodyBytes: 1000))
            let port = server.port
            let client = server.client
            let atLimit = try await blocking { try client.request("POST", "/reload", body: Array(repeating: 65, count: 1000)) }
            #expect(atLimit.status == 200)
            #expect(atLimit.text.contains("bodylen=1000"))

            // Declared too large: refused before the body is read.
            let declared = try await blocking { try client.request("POST", "/reload", body: Array(repeating: 65, count: 100_000)) }
            #expect(declared.status == 413)
            #expect(declared.header("Connection") == "close")
            #expect(declared.text == "request body larger than 1000 bytes\n")

            // Chunked, no declared length: refused once the chunks pass the limit.
            let (chunked, closed) = try await blocking {
                let connection = try RawConnection(port: port)
                let chunk = String(repeating: "B", count: 600)
                try connection.send("POST /reload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n")
                try connection.send("258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n")
                return (try connection.readResponse(), try connection.waitForClose(timeout: .seconds(4)))
            }
            #expect(chunked.statusLine == "HTTP/1.1 413 Payload Too Large")
            #expect(closed)
            await server.shutdown()
        }

        @Test func connectionLimitClosesExtrasAndLogsOncePerBurst() async throws {
            let logs = LogCapture()
            let server = try await TestServer.start(limits: HTTPServerLimits(maxConnections: 5), logs: logs)
            let port = server.port
            let client = server.client
            var held: [RawConnection] = []
            for index in 0..<5 {
                let connection = try RawConnection(port: port)
                let response = try await blocking {
                    try connection.send("GET /held\(index) HTTP/1.1\r\nHost: t\r\n\r\n")
                    return try connection.readResponse()
                }
                #expect(response.text.contains("path=/held\(index)\n"))
                held.append(connection)
            }
            #expect(server.openConnections == 5)

            for _ in 0..<4 {
                let extra = try RawConnection(port: port)
                let closed = try await blocking {
                    try? extra.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                    return try extra.waitForClose(timeout: .seconds(2))
                }
                #expect(closed)
            }
            let refusal = try await blocking { try? client.request("GET", "/") }
            #expect(refusal == nil)
            let warnings = logs.all.filter { $0.hasPrefix("warning connection limit reached") }
            #expect(warnings == ["warning connection limit reached, closing new connections until one ends max_connections=5 role=metrics"])

            // One ends: the next is served, and a new burst is logged again.
            held.removeLast()
            #expect(await eventually { server.openConnections == 4 })
            let served = try await blocking { try client.request("GET", "/again") }
            #expect(served.status == 200)
            #expect(await eventually { server.openConnections == 4 })
            held.append(try RawConnection(port: port))
            #expect(await eventually { server.openConnections == 5 })
            let refusedAgain = try await blocking { try? client.request("GET", "/") }
            #expect(refusedAgain == nil)
            #expect(logs.all.filter { $0.hasPrefix("warning connection limit reached") }.count == 2)
            await server.shutdown()
        }
    }
}
