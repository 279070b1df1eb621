import Foundation
import Glibc
import Logging
import Synchronization
import VigilHTTP
import VigilPlatform

/// Echoes what the server parsed, so each test can see method, path, query, role and peer.
struct EchoHandler: HTTPRequestHandler {
    static let bigText = String(repeating: "vigil_test_metric{label=\"value\"} 1\n", count: 400)

    func handle(_ request: HTTPRequest) async -> HTTPResponse {
        switch request.path {
        case "/slow":
            try? await Task.sleep(for: .seconds(2))
            return .text(200, "slow\n")
        case "/big":
            return .text(200, Self.bigText)
        case "/empty":
            return HTTPResponse(status: 204)
        default:
            var lines = [
                "method=\(request.method)",
                "path=\(request.path)",
                "role=\(request.role.rawValue)",
                "peer=\(request.peerUID.map { String($0) } ?? "none")",
                "bodylen=\(request.body.count)",
            ]
            for (key, value) in request.query.sorted(by: { $0.key < $1.key }) {
                lines.append("query.\(key)=\(value)")
            }
            return .text(200, lines.joined(separator: "\n") + "\n")
        }
    }
}

/// Records log lines as "level message key=value ..." for assertions.
final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func append(_ line: String) { lines.withLock { $0.append(line) } }

    var logger: Logger {
        Logger(label: "vigild") { _ in CapturingLogHandler(capture: self) }
    }
}

struct CapturingLogHandler: LogHandler {
    let capture: LogCapture
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).merging(metadata) { first, _ in first }
            .sorted { $0.key < $1.key }
            .map { "\($0.key)=\($0.value)" }
        capture.append(([event.level.rawValue, event.message.description] + fields).joined(separator: " "))
    }
}

enum TestServer {
    static func start(
        limits: HTTPServerLimits = HTTPServerLimits(),
        logs: LogCapture = LogCapture(),
        listeners: [(address: ListenAddress, role: ListenerRole)] = [(.tcp(host: "127.0.0.1", port: 0), .metrics)]
    ) async throws -> HTTPServer {
        try await HTTPServer.start(listeners: listeners, handler: EchoHandler(), limits: limits, logger: logs.logger)
    }
}

extension HTTPServer {
    /// The port of the first TCP listener.
    var port: Int {
        for listener in boundAddresses {
            if case .tcp(_, let port) = listener.address { return port }
        }
        return 0
    }

    var client: ControlClient {
        ControlClient(endpoint: .tcp(host: "127.0.0.1", port: port))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Runs blocking work on its own thread: blocking the few cooperative threads would starve the
/// server's handler tasks, which run there too.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread {
            continuation.resume(with: Result { try body() })
        }
        thread.stackSize = 256 * 1024
        thread.start()
    }
}

/// A temporary directory removed when the test ends.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/vigil-http-test.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw TestFailure("mkdtemp failed") }
        path = String(cString: made)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Decompresses with the system gzip, the independent judge of our gzip output.
func gunzip(_ bytes: [UInt8]) throws -> [UInt8] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
    process.arguments = ["-dc"]
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    // Written from another thread: gzip's output can fill the pipe before its input is all sent.
    let writer = Thread {
        input.fileHandleForWriting.write(Data(bytes))
        try? input.fileHandleForWriting.close()
    }
    writer.start()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw TestFailure("gzip -dc exited \(process.terminationStatus)") }
    return [UInt8](data)
}

func elapsed(since start: ContinuousClock.Instant) -> Duration {
    ContinuousClock.now - start
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(2), _ condition: () throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}
