import Foundation
import Logging
import Testing
import VigilHTTP
import VigilPlatform
import VigilTelemetry
@testable import VigilRuntime

/// Runs a blocking client call on its own thread, off the cooperative pool the server needs.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

@Suite("The API over real listeners", .serialized)
struct ServedAPITests {
    @Test("Over TCP and the control socket: /healthz, /status, reload only on the socket", .timeLimit(.minutes(1)))
    func endToEnd() async throws {
        let fixture = try RouterFixture(engines: [EngineDeadline(engine: "vrrp", deadline: .seconds(60))])
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-served-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let socketPath = directory.appendingPathComponent("vigild.sock").path
        let server = try await HTTPServer.start(
            listeners: [(address: .tcp(host: "127.0.0.1", port: 0), role: .metrics), (address: .unixSocket(path: socketPath), role: .control)],
            handler: fixture.router, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        guard case .tcp(_, let port) = server.boundAddresses[0].address else {
            Issue.record("no TCP listener")
            return
        }
        let tcp = ControlClient(endpoint: .tcp(host: "127.0.0.1", port: port))
        let control = ControlClient(endpoint: .unixSocket(path: socketPath))

        var response = try await offPool { try tcp.request("GET", "/healthz") }
        #expect(response.status == 503)
        #expect(String(decoding: response.body, as: UTF8.self) == "unhealthy: engine vrrp has not started\n")
        fixture.progress.beat("vrrp")
        response = try await offPool { try tcp.request("GET", "/healthz") }
        #expect(response.status == 200)

        response = try await offPool { try tcp.request("POST", "/reload") }
        #expect(response.status == 403)
        response = try await offPool { try control.request("POST", "/reload") }
        #expect(response.status == 200)
        #expect(try StatusJSON.decode(ReloadReply.self, from: response.body).result == "reloaded")

        response = try await offPool { try control.request("GET", "/status") }
        let status = try StatusJSON.decode(StatusDocument.self, from: response.body)
        #expect(status.config.reloads == 1)
        response = try await offPool { try tcp.request("GET", "/metrics?format=openmetrics") }
        #expect(response.header("content-type") == ExpositionFormat.openMetrics.contentType)
        #expect(String(decoding: response.body, as: UTF8.self).hasSuffix("# EOF\n"))
        await server.shutdown()
    }
}
