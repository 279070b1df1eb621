import Foundation
import NIOCore
import NIOPosix

/// Starts Tests/Support/smtp_server.py (aiosmtpd) on 127.0.0.1 with a port it picks, with a
/// self-signed certificate made for this lab; every server started is killed by PID when the lab ends.
final class SMTPTestLab {
    /// The interpreter Debian's python3-aiosmtpd installs into.
    static let python = "/usr/bin/python3"
    static let openssl = "/usr/bin/openssl"

    static let hasAiosmtpd: Bool = {
        guard FileManager.default.isExecutableFile(atPath: python) else { return false }
        return (try? runTool(python, ["-c", "import aiosmtpd"]).status) == 0
    }()

    /// ::1 on lo; containers often run with IPv6 off.
    static let hasIPv6Loopback: Bool = {
        let table = (try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8)) ?? ""
        return table.contains("00000000000000000000000000000001")
    }()

    static let hasOpenSSL = FileManager.default.isExecutableFile(atPath: openssl)
    static let canRun = hasAiosmtpd && hasOpenSSL

    static var serverScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Support/smtp_server.py").path
    }

    /// Slack on top of a timeout for scheduling on a busy two-core machine.
    static let timeoutSlack: Duration = .seconds(3)

    let directory: URL
    let certificate: String
    let key: String
    private var processes: [Process] = []

    private init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        certificate = directory.appendingPathComponent("cert.pem").path
        key = directory.appendingPathComponent("key.pem").path
        let made = try Self.runTool(Self.openssl, [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", key, "-out", certificate,
        ])
        guard made.status == 0 else { throw LabError("openssl req failed: \(made.output)") }
    }

    /// Runs `body` with a fresh lab and tears it down on every path.
    static func run<T>(_ body: (SMTPTestLab) async throws -> T) async throws -> T {
        let lab = try SMTPTestLab()
        do {
            let result = try await body(lab)
            lab.tearDown()
            return result
        } catch {
            lab.tearDown()
            throw error
        }
    }

    /// A started smtp_server.py.
    struct Server {
        let port: Int
        let maildir: URL
        let logFile: URL

        /// The messages stored so far: the envelope JSON and the raw bytes received after DATA.
        func messages() throws -> [(envelope: [String: Any], raw: [UInt8])] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: maildir.path)) ?? []
            return try names.filter { $0.hasSuffix(".json") }.sorted().map { name in
                let data = try Data(contentsOf: maildir.appendingPathComponent(name))
                let envelope = try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
                let messageFile = envelope["message_file"] as? String ?? ""
                let raw = try Data(contentsOf: maildir.appendingPathComponent(messageFile))
                return (envelope, Array(raw))
            }
        }

        func log() -> String {
            (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        }
    }

    func startServer(
        mode: String, host: String = "127.0.0.1", auth: String? = nil, authMechanisms: [String] = [], greetingDelay: Double? = nil,
        refuse: [String] = []
    ) async throws -> Server {
        let name = UUID().uuidString.prefix(8)
        let maildir = directory.appendingPathComponent("maildir-\(name)")
        let readyFile = directory.appendingPathComponent("ready-\(name)")
        let logFile = directory.appendingPathComponent("log-\(name)")
        var arguments = [
            Self.serverScript, "--host", host, "--port", "0", "--mode", mode, "--maildir", maildir.path,
            "--ready-file", readyFile.path, "--log-file", logFile.path,
        ]
        if mode != "plain" { arguments += ["--cert", certificate, "--key", key] }
        if let auth { arguments += ["--auth", auth] }
        if let greetingDelay { arguments += ["--greeting-delay", String(greetingDelay)] }
        for address in refuse { arguments += ["--refuse-recipient", address] }
        if !authMechanisms.isEmpty { arguments += ["--auth-mechanisms", authMechanisms.joined(separator: ",")] }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.python)
        process.arguments = arguments
        let stderrFile = directory.appendingPathComponent("stderr-\(name)")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        processes.append(process)

        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: readyFile, encoding: .utf8),
                let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return Server(port: port, maildir: maildir, logFile: logFile)
            }
            guard process.isRunning else {
                let stderr = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
                throw LabError("smtp_server.py exited with \(process.terminationStatus): \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LabError("smtp_server.py did not report its port within 15 s")
    }

    /// SIGTERM each server by PID, SIGKILL the ones still running after two seconds.
    private func tearDown() {
        let started = processes
        for process in started where process.isRunning {
            kill(process.processIdentifier, SIGTERM)
        }
        let deadline = Date().addingTimeInterval(2)
        for process in started {
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A port on 127.0.0.1 where nothing listens: bound by the kernel's choice, then closed.
    static func closedPort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 9
        try await channel.close()
        return port
    }

    static func runTool(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// Elapsed time of `body`.
    static func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
        let start = ContinuousClock.now
        let result = try await body()
        return (result, ContinuousClock.now - start)
    }
}

/// A lab setup failure, with what went wrong.
struct LabError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
