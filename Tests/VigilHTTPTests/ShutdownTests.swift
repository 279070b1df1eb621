import Glibc
import Testing
import VigilHTTP
import VigilPlatform

extension HTTPServerTests {
    @Suite("Shutdown", .timeLimit(.minutes(1)))
    struct Shutdown {
        @Test func fastWithAnIdleKeepAliveConnection() async throws {
            let directory = try TemporaryDirectory()
            let path = directory.path + "/vigild.sock"
            let server = try await TestServer.start(listeners: [
                (.tcp(host: "127.0.0.1", port: 0), .metrics),
                (.unixSocket(path: path), .control),
            ])
            let port = server.port
            let idle = try RawConnection(port: port)
            let first = try await blocking {
                try idle.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
                return try idle.readResponse()
            }
            #expect(first.statusLine == "HTTP/1.1 200 OK")

            let start = ContinuousClock.now
            await server.shutdown()
            let took = elapsed(since: start)
            // The 100 ms exit budget is measured on the real process (Tests/Integration); here, under a
            // parallel test run, only "prompt, not waiting for the idle client" is asserted.
            #expect(took < .seconds(1), "shutdown took \(took)")

            let closed = try await blocking { try idle.waitForClose(timeout: .seconds(1)) }
            #expect(closed)
            #expect(access(path, F_OK) != 0)
            let client = ControlClient(endpoint: .tcp(host: "127.0.0.1", port: port), timeout: .seconds(1))
            #expect(throws: ControlClientError.self) { try client.request("GET", "/") }
            await server.shutdown()  // a second call is harmless
        }

        @Test func fastWithAHandlerInFlight() async throws {
            let server = try await TestServer.start()
            let client = server.client
            async let slow = blocking { try? client.request("GET", "/slow") }
            #expect(await eventually { server.openConnections == 1 })
            try await Task.sleep(for: .milliseconds(50))
            let start = ContinuousClock.now
            await server.shutdown()
            #expect(elapsed(since: start) < .seconds(1), "shutdown waited for the 2 s handler")
            // The client sees the connection end instead of an answer.
            let answer = await (try? slow) ?? nil
            #expect(answer == nil)
        }
    }
}
