import Foundation
import Glibc
import Testing
import VigilPlatform
@testable import VigilHTTP

/// What a hostile or broken client may cost: the control socket keeps its own budget, a client
/// that trickles bytes is closed, a half-closed request is answered.
extension HTTPServerTests {
@Suite("Listener abuse", .timeLimit(.minutes(1)))
struct ListenerAbuse {
    @Test("TCP clients holding every connection of their budget cannot lock out the control socket")
    func controlSocketHasItsOwnBudget() async throws {
        let directory = try TemporaryDirectory()
        let socket = directory.path + "/control.sock"
        let logs = LogCapture()
        let server = try await TestServer.start(
            limits: HTTPServerLimits(maxConnections: 4, maxControlConnections: 2), logs: logs,
            listeners: [(.tcp(host: "127.0.0.1", port: 0), .metrics), (.unixSocket(path: socket), .control)])
        var held: [RawConnection] = []
        for _ in 0..<4 {
            let connection = try RawConnection(port: server.port)
            try connection.send("GET /")  // an unfinished request, as a trickling client leaves it
            held.append(connection)
        }
        #expect(await eventually { server.openConnections == 4 })
        let extra = try RawConnection(port: server.port)
        #expect(try await blocking { try extra.waitForClose(timeout: .seconds(2)) })
        let control = ControlClient(endpoint: .unixSocket(path: socket))
        let response = try await blocking { try control.request("GET", "/status") }
        #expect(response.status == 200)
        #expect(logs.all.contains { $0.hasPrefix("warning connection limit reached") && $0.hasSuffix("role=metrics") })
        held.removeAll()
        await server.shutdown()
    }

    @Test("A client that trickles a byte every 100 ms is closed once its head is late; an idle keep-alive connection is not")
    func tricklingClientIsClosed() async throws {
        let server = try await TestServer.start(limits: HTTPServerLimits(idleTimeout: .seconds(30), requestHeadTimeout: .milliseconds(300)))
        let idle = try RawConnection(port: server.port)
        let served = try await blocking {
            try idle.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n")
            return try idle.readResponse()
        }
        #expect(served.statusLine.contains(" 200 "))
        let trickler = try RawConnection(port: server.port)
        let started = ContinuousClock.now
        let closedAfter: Duration? = try await blocking {
            try trickler.send("GET /slow HTTP/1.1\r\n")
            for _ in 0..<20 {
                let sent = (try? trickler.send("X")) != nil
                if !sent { return ContinuousClock.now - started }
                if try trickler.waitForClose(timeout: .milliseconds(100)) { return ContinuousClock.now - started }
            }
            return nil
        }
        let after = try #require(closedAfter, "the trickling client was never closed")
        #expect(after >= .milliseconds(250) && after < .milliseconds(1500), "closed after \(after)")
        // The idle keep-alive connection, with no request begun, is still served.
        let again = try await blocking {
            try idle.send("GET /second HTTP/1.1\r\nHost: t\r\n\r\n")
            return try idle.readResponse()
        }
        #expect(again.text.contains("path=/second\n"))
        await server.shutdown()
    }

    @Test("A request whose client has shut down its sending side is answered")
    func halfClosedRequestIsAnswered() async throws {
        let server = try await TestServer.start()
        let connection = try RawConnection(port: server.port)
        let response = try await blocking {
            try connection.send("GET /half HTTP/1.1\r\nHost: t\r\n\r\n")
            connection.shutdownWrite()
            return try connection.readResponse()
        }
        #expect(response.statusLine.contains(" 200 "))
        #expect(response.text.contains("path=/half\n"))
        await server.shutdown()
    }
}
}
