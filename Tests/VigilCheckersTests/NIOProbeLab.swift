import CLinuxExtras
import Foundation
import NIOCore
import NIOPosix
import Testing
import VigilCheck
import VigilCheckers
import VigilConfig
import VigilCore

/// Two network namespaces of our own, a client and a server, joined by a veth pair (eth0 on each),
/// documentation addresses only. The probes run on a one-thread event loop group whose thread has
/// entered the client namespace, so every socket they open lives there; servers are small Python
/// programs started inside the server namespace and killed by PID.
///
/// client eth0: 192.0.2.1/24, 192.0.2.3/24 (a second source), 2001:db8::1/64
/// server eth0: 192.0.2.2/24, 2001:db8::2/64
final class NIOProbeLab {
    static let isRoot = getuid() == 0
    static let secondClientAddress = IPAddress.v4(IPv4Address(192, 0, 2, 3))
    static let serverAddress = IPAddress.v4(IPv4Address(192, 0, 2, 2))
    static let serverAddressV6 = IPAddress.v6(IPv6Address(high: 0x2001_0db8_0000_0000, low: 2))
    /// On the server's subnet but owned by no one: ARP goes unanswered, so a connect hangs.
    static let silentAddress = IPAddress.v4(IPv4Address(192, 0, 2, 99))
    /// Outside every subnet the client has a route to.
    static let unroutedAddress = IPAddress.v4(IPv4Address(198, 51, 100, 9))
    static let python = "/usr/bin/python3"

    let prefix = "vnp-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
    var client: String { prefix + "-c" }
    var server: String { prefix + "-s" }
    let directory: URL
    let group: MultiThreadedEventLoopGroup
    private var servers: [NIOLabServer] = []
    private var nextPort = 8000

    /// Builds the lab, runs `body`, and tears the lab down however `body` ends.
    static func run<Result>(_ body: (NIOProbeLab) async throws -> Result) async throws -> Result {
        let lab = try NIOProbeLab()
        do {
            try await lab.build()
            let result = try await body(lab)
            await lab.tearDown()
            return result
        } catch {
            await lab.tearDown()
            throw error
        }
    }

    private init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(prefix)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    }

    private func build() async throws {
        for host in [client, server] {
            try await Self.shell("ip netns add \(host)")
            try await Self.shell("ip -n \(host) link set lo up")
        }
        try await Self.shell("ip -n \(client) link add eth0 type veth peer name eth0 netns \(server)")
        try await Self.shell("ip -n \(client) addr add 192.0.2.1/24 dev eth0")
        try await Self.shell("ip -n \(client) addr add 192.0.2.3/24 dev eth0")
        try await Self.shell("ip -n \(client) addr add 2001:db8::1/64 dev eth0 nodad")
        try await Self.shell("ip -n \(server) addr add 192.0.2.2/24 dev eth0")
        try await Self.shell("ip -n \(server) addr add 2001:db8::2/64 dev eth0 nodad")
        try await Self.shell("ip -n \(client) link set eth0 up")
        try await Self.shell("ip -n \(server) link set eth0 up")
        try Self.serverScript.write(to: directory.appendingPathComponent("server.py"), atomically: true, encoding: .utf8)
        try await enterClientNamespace()
    }

    /// Moves the group's only thread into the client namespace (setns acts on the calling thread).
    private func enterClientNamespace() async throws {
        let path = "/run/netns/\(client)"
        let entered = try await group.next().submit { () -> Int32 in
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return -1 }
            defer { close(fd) }
            return vigil_enter_net_namespace(fd)
        }.get()
        guard entered == 0 else { throw NIOLabFailure(description: "cannot enter \(path)") }
    }

    private func tearDown() async {
        for server in servers { await server.stop() }
        try? await group.shutdownGracefully()
        for host in [client, server] { _ = try? await Self.shell("ip netns del \(host)") }
        try? FileManager.default.removeItem(at: directory)
    }

    /// A port no earlier server of this lab used, so a dead server's port is never reused by mistake.
    func freshPort() -> Int {
        nextPort += 1
        return nextPort
    }

    /// Starts the Python server in the server namespace with `configuration` (see `serverScript`)
    /// and waits until it listens.
    func startServer(_ configuration: [String: Any], address: IPAddress = NIOProbeLab.serverAddress, port: Int? = nil)
        async throws -> NIOLabServer
    {
        let port = port ?? freshPort()
        let name = "server-\(servers.count)"
        var configuration = configuration
        configuration["address"] = address.description
        configuration["port"] = port
        let logFile = directory.appendingPathComponent(name + ".log").path
        configuration["log"] = logFile
        configuration["ready"] = directory.appendingPathComponent(name + ".ready").path
        let configurationFile = directory.appendingPathComponent(name + ".json")
        try JSONSerialization.data(withJSONObject: configuration).write(to: configurationFile)
        return try await startInServerNamespace(
            [Self.python, directory.path + "/server.py", configurationFile.path], name: name, address: address,
            port: port, logFile: logFile)
    }

    /// Starts `arguments` inside the server namespace and waits for it to create `<name>.ready`
    /// in the lab's directory (the Python programs do once they listen).
    func startInServerNamespace(
        _ arguments: [String], name: String, address: IPAddress = NIOProbeLab.serverAddress, port: Int,
        logFile: String = "/dev/null"
    ) async throws -> NIOLabServer {
        let output = directory.appendingPathComponent(name + ".output").path
        let pid = try Self.spawn(["/usr/sbin/ip", "netns", "exec", server] + arguments, output: output)
        let started = NIOLabServer(pid: pid, address: address, port: port, logFile: logFile)
        servers.append(started)
        let ready = directory.appendingPathComponent(name + ".ready").path
        for _ in 0..<500 {
            if FileManager.default.fileExists(atPath: ready) { return started }
            guard started.isRunning() else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        throw NIOLabFailure(description: "\(name) did not start: \(text)")
    }

    /// An endpoint on the server with a connect_timeout (default 2 s).
    static func endpoint(
        _ address: IPAddress = serverAddress, port: Int, timeout: Duration = .seconds(2),
        bindAddress: IPAddress? = nil, bindPort: Int? = nil, bindInterface: String? = nil, firewallMark: Int? = nil
    ) -> ProbeEndpoint {
        ProbeEndpoint(
            address: address, port: port, bindAddress: bindAddress, bindPort: bindPort, bindInterface: bindInterface,
            firewallMark: firewallMark, connectTimeout: timeout)
    }

    /// The first checker of a real server whose checker block is `checker`, read by the real config loader.
    static func checker(_ checker: String) throws -> Checker {
        let text = """
            virtual_server 203.0.113.10 80 {
                protocol TCP
                real_server 192.0.2.2 80 {
            \(checker)
                }
            }
            """
        let result = ConfigLoader.load(text: text)
        guard !result.diagnostics.hasErrors,
            let found = result.configuration.lvs.virtualServers.first?.realServers.first?.checkers.first
        else { throw NIOLabFailure(description: "config did not load: \(result.diagnostics.all)") }
        return found
    }

    /// The HTTPCheck of an HTTP_GET (or SSL_GET) block with `body` inside.
    static func httpCheck(_ body: String, ssl: Bool = false) throws -> HTTPCheck {
        switch try checker("\(ssl ? "SSL_GET" : "HTTP_GET") {\n\(body)\n}") {
        case .http(let check), .ssl(let check): return check
        default: throw NIOLabFailure(description: "not an HTTP checker")
        }
    }

    /// A self-signed certificate and key made by `openssl req` for this test.
    func makeCertificate() async throws -> (certificate: String, key: String) {
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        try await Self.shell(
            "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=www.example.com "
                + "-keyout \(key) -out \(certificate)")
        return (certificate, key)
    }

    /// MD5 of `body` in hex, by Python's hashlib: an independent judge of our MD5.
    static func pythonMD5(_ body: String) async throws -> String {
        let script = "import hashlib,sys; print(hashlib.md5(sys.stdin.buffer.read()).hexdigest())"
        let output = try await shell("printf '%s' \(quote(body)) | \(python) -c \(quote(script))")
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func inClient(_ command: String) async throws {
        try await Self.shell("ip netns exec \(client) \(command)")
    }

    /// Runs `command` with /bin/sh and returns what it printed (stdout and stderr); throws unless it exits 0.
    @discardableResult
    static func shell(_ command: String) async throws -> String {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("vnp-shell-\(UUID().uuidString)").path
        defer { unlink(output) }
        let pid = try spawn(["/bin/sh", "-c", command], output: output)
        let status = try await exitStatus(of: pid)
        let text = (try? String(contentsOfFile: output, encoding: .utf8)) ?? ""
        guard status == 0 else { throw NIOLabFailure(description: "\(command) (status \(status)): \(text)") }
        return text
    }

    /// Starts `arguments` (the first a full path) with stdin from /dev/null, stdout and stderr into
    /// `output`, and every other descriptor closed. Not Foundation's Process: tests running in
    /// parallel spawn children at the same time, and a pipe end inherited by a long-lived server
    /// (or a missed exit) would leave a reader waiting for ever.
    static func spawn(_ arguments: [String], output: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        if let closeFrom = closeFromAction { _ = closeFrom(&actions, 3) }
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard result == 0 else {
            throw NIOLabFailure(description: "cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return pid
    }

    /// glibc's posix_spawn_file_actions_addclosefrom_np, which Swift cannot see without _GNU_SOURCE.
    private static let closeFromAction: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(
            symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    /// Waits for `pid` to exit without holding a thread: checks every 5 ms.
    static func exitStatus(of pid: pid_t) async throws -> Int32 {
        while true {
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f) }
            if result < 0 && errno != EINTR {
                throw NIOLabFailure(description: "waitpid \(pid): \(String(cString: strerror(errno)))")
            }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Single-quotes `text` for /bin/sh.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// How late a probe may return after its connect_timeout: the loop's timer, then the resumed
    /// task waiting for a cooperative thread on two cores shared with every other suite (alone,
    /// probes return within 50 to 400 ms of the timeout). Far below what a hang would take: TCP
    /// gives up a SYN after about two minutes, and a silent server never ends the exchange.
    static let timeoutSlack = Duration.milliseconds(1500)

    /// Runs `probe` once and measures how long it took.
    static func timed(_ probe: some HealthProbe) async -> (outcome: CheckOutcome, elapsed: Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await probe.run()
        return (outcome, clock.now - start)
    }
}

/// One server process of the lab (started by PID, killed by PID), with what it logged.
final class NIOLabServer {
    let pid: pid_t
    let address: IPAddress
    let port: Int
    let logFile: String
    private var exited = false

    init(pid: pid_t, address: IPAddress, port: Int, logFile: String) {
        self.pid = pid
        self.address = address
        self.port = port
        self.logFile = logFile
    }

    /// False once the process has exited (and been reaped, so its PID is never signalled again).
    func isRunning() -> Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// Kills the server by its PID and waits for it.
    func stop() async {
        guard isRunning() else { return }
        kill(pid, SIGKILL)
        _ = try? await NIOProbeLab.exitStatus(of: pid)
        exited = true
    }

    /// The entries for `event` once there are at least `count` (the server logs from its own threads,
    /// possibly after the probe has returned), or whatever there is after two seconds.
    func awaitEntries(_ event: String, count: Int = 1) async throws -> [[String: Any]] {
        for _ in 0..<100 {
            let found = entries(event)
            if found.count >= count { return found }
            try await Task.sleep(for: .milliseconds(20))
        }
        return entries(event)
    }

    /// The JSON lines the server logged whose "event" is `event`.
    func entries(_ event: String) -> [[String: Any]] {
        guard let text = try? String(contentsOfFile: logFile, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { line in
            guard let data = line.data(using: .utf8),
                let entry = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                entry["event"] as? String == event
            else { return nil }
            return entry
        }
    }
}

struct NIOLabFailure: Error, CustomStringConvertible { let description: String }

extension NIOProbeLab {
    /// The lab's server: one Python program whose `mode` says how it treats each connection.
    /// - accept: accept, log the peer, close.
    /// - silent: accept and never answer.
    /// - reset: read the request, then close with SO_LINGER 0, which sends a RST.
    /// - plaintext: answer whatever comes first with a plain HTTP 400, as a web server does to a TLS hello.
    /// - http: answer GETs from `routes` (path → status, body, repeat, chunked, no_length), over TLS with `tls`.
    /// - smtp: a small SMTP server; `banner`, `ehlo_reply`, `helo_reply` change its answers.
    /// Every event is one JSON line in `log`; `ready` is created once the socket listens.
    static let serverScript = #"""
        import json, socket, ssl, struct, sys, threading

        cfg = json.load(open(sys.argv[1]))
        mode = cfg["mode"]
        lock = threading.Lock()

        def log(**entry):
            with lock, open(cfg["log"], "a") as f:
                f.write(json.dumps(entry) + "\n")

        family = socket.AF_INET6 if ":" in cfg["address"] else socket.AF_INET
        listener = socket.socket(family, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((cfg["address"], cfg["port"]))
        listener.listen(64)

        tls = None
        if cfg.get("tls"):
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(cfg["cert"], cfg["key"])
            tls.sni_callback = lambda sock, name, context: log(event="sni", name=name)

        held = []

        def read_head(conn):
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return None
                data += chunk
            return data.split(b"\r\n\r\n")[0].decode("latin-1")

        def http(conn):
            if tls:
                conn = tls.wrap_socket(conn, server_side=True)
            head = read_head(conn)
            if head is None:
                return
            lines = head.split("\r\n")
            method, path, version = lines[0].split(" ")
            headers = {}
            for line in lines[1:]:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
            log(event="request", method=method, path=path, version=version, headers=headers)
            route = cfg["routes"].get(path, {"status": 404, "body": "not found"})
            body = route.get("body", "").encode() * route.get("repeat", 1)
            reply = "HTTP/1.1 %d Lab\r\nContent-Type: text/plain\r\nConnection: close\r\n" % route["status"]
            if route.get("chunked"):
                reply += "Transfer-Encoding: chunked\r\n\r\n"
                middle = len(body) // 2
                payload = b""
                for part in (body[:middle], body[middle:]):
                    if part:
                        payload += b"%x\r\n" % len(part) + part + b"\r\n"
                payload += b"0\r\n\r\n"
            elif route.get("no_length"):
                reply += "\r\n"
                payload = body
            else:
                reply += "Content-Length: %d\r\n\r\n" % len(body)
                payload = body
            conn.sendall(reply.encode() + payload)
            conn.close()

        def smtp(conn):
            def send(text):
                conn.sendall(text.encode() + b"\r\n")
            send(cfg.get("banner", "220 lab.example ESMTP ready"))
            for raw in conn.makefile("rb"):
                command = raw.decode().rstrip("\r\n")
                log(event="smtp", command=command)
                verb = command.split(" ")[0].upper()
                if verb == "EHLO":
                    send(cfg.get("ehlo_reply", "250-lab.example greets you\r\n250-SIZE 1000000\r\n250 HELP"))
                elif verb == "HELO":
                    send(cfg.get("helo_reply", "250 lab.example"))
                elif verb == "QUIT":
                    send("221 bye")
                    break
                else:
                    send("500 unknown command")
            conn.close()

        def serve(conn, peer):
            log(event="accept", peer=peer[0], port=peer[1])
            try:
                if mode == "silent":
                    held.append(conn)
                elif mode == "accept":
                    conn.close()
                elif mode == "reset":
                    read_head(conn)
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    conn.close()
                elif mode == "plaintext":
                    conn.recv(4096)
                    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    conn.close()
                elif mode == "http":
                    http(conn)
                elif mode == "smtp":
                    smtp(conn)
            except Exception as error:
                log(event="error", error=repr(error))

        open(cfg["ready"], "w").close()
        while True:
            conn, peer = listener.accept()
            threading.Thread(target=serve, args=(conn, peer), daemon=True).start()
        """#
}
