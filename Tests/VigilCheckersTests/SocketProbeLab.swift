import CLinuxExtras
import Foundation
import NIOCore
import NIOPosix
import Testing
import VigilCheck
import VigilCheckers
import VigilConfig
import VigilCore

/// Two network namespaces of our own for the datagram probes (UDP, DNS, ping), joined by a veth
/// pair, documentation addresses only. The probes run on a one-thread event loop group whose
/// thread has entered the client namespace, so their sockets live there; servers (Python, dnsmasq)
/// run in the server namespace and are killed by PID. Servers are not Foundation children, nor
/// grandchildren holding its descriptors: Foundation learns that a child ended when a socket the
/// child inherited closes, so dnsmasq (which closes every inherited descriptor) would look dead
/// at once and a server holding it would keep `shell` waiting. A small Python launcher starts each
/// server with only standard streams open, in a session of its own.
///
/// client eth0: 192.0.2.1/24, 192.0.2.11-18/24 (more sources), 2001:db8::1/64
/// server eth0: 192.0.2.2/24, 192.0.2.53/24 (the resolver), 2001:db8::2/64
final class SocketProbeLab {
    static let isRoot = getuid() == 0
    static let server = IPAddress.v4(IPv4Address(192, 0, 2, 2))
    static let serverV6 = IPAddress.v6(IPv6Address(high: 0x2001_0db8_0000_0000, low: 2))
    static let resolver = IPAddress.v4(IPv4Address(192, 0, 2, 53))
    /// On the lab's subnet but owned by no one: ARP goes unanswered, so nothing ever replies.
    static let silent = IPAddress.v4(IPv4Address(192, 0, 2, 99))
    static let python = "/usr/bin/python3"

    let prefix = "vsp-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
    var client: String { prefix + "-c" }
    var serverNamespace: String { prefix + "-s" }
    let directory: URL
    let group: MultiThreadedEventLoopGroup
    private var servers: [pid_t] = []

    /// Builds the lab, runs `body`, and tears the lab down however `body` ends.
    static func run<Result>(_ body: (SocketProbeLab) async throws -> Result) async throws -> Result {
        let lab = try SocketProbeLab()
        do {
            try lab.setUp()
            try await lab.enterClientNamespace()
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

    /// Creates the namespaces and the link; `tearDown` removes whatever of it was made.
    private func setUp() throws {
        for host in [client, serverNamespace] {
            try Self.shell("ip netns add \(host)")
            try Self.shell("ip -n \(host) link set lo up")
        }
        try Self.shell("ip -n \(client) link add eth0 type veth peer name eth0 netns \(serverNamespace)")
        try Self.shell("ip -n \(client) addr add 192.0.2.1/24 dev eth0")
        for host in 11...18 { try Self.shell("ip -n \(client) addr add 192.0.2.\(host)/24 dev eth0") }
        try Self.shell("ip -n \(client) addr add 2001:db8::1/64 dev eth0 nodad")
        try Self.shell("ip -n \(serverNamespace) addr add 192.0.2.2/24 dev eth0")
        try Self.shell("ip -n \(serverNamespace) addr add 192.0.2.53/24 dev eth0")
        try Self.shell("ip -n \(serverNamespace) addr add 2001:db8::2/64 dev eth0 nodad")
        try Self.shell("ip -n \(client) link set eth0 up")
        try Self.shell("ip -n \(serverNamespace) link set eth0 up")
        try Self.udpServerScript.write(to: directory.appendingPathComponent("udp_server.py"), atomically: true, encoding: .utf8)
        // A fresh veth pair can lose the first replies for a moment (IPv6 above all): wait until a
        // datagram to a closed port comes back refused over both families.
        try Self.shell("ip netns exec \(client) \(Self.python) -c \(Self.quote(Self.linkWaitScript))")
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
        guard entered == 0 else { throw SocketLabFailure(description: "cannot enter \(path)") }
    }

    private func tearDown() async {
        for pid in servers { await stop(pid) }
        try? await group.shutdownGracefully()
        for host in [client, serverNamespace] { _ = try? Self.shell("ip netns del \(host)") }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts `arguments` in the server namespace in the background and returns its PID
    /// (`ip netns exec` execs the command, so it is the server's own).
    @discardableResult
    func startInServer(_ arguments: [String], name: String) throws -> pid_t {
        let log = directory.appendingPathComponent(name + ".log").path
        let argv = (["ip", "netns", "exec", serverNamespace] + arguments).map(Self.pythonString)
        let launcher = """
            import subprocess
            log = open(\(Self.pythonString(log)), "wb")
            child = subprocess.Popen([\(argv.joined(separator: ", "))], stdin=subprocess.DEVNULL, stdout=log, stderr=log, close_fds=True, start_new_session=True)
            print(child.pid)
            """
        let output = try Self.shell("\(Self.python) -c \(Self.quote(launcher))")
        guard let pid = pid_t(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw SocketLabFailure(description: "no PID for \(name): \(output)")
        }
        servers.append(pid)
        return pid
    }

    /// Kills a server this lab started, by its PID, and waits until it is gone.
    func stop(_ pid: pid_t) async {
        guard Self.isRunning(pid) else { return }
        kill(pid, SIGKILL)
        for _ in 0..<100 where Self.isRunning(pid) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// True while `pid` exists and is not a zombie.
    static func isRunning(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        let state = stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).first
        return state != "Z" && state != "X"
    }

    /// The Python UDP server (`udpServerScript`) on `address`:`port`, once its socket is bound.
    @discardableResult
    func startUDPServer(_ address: IPAddress = server, port: Int) async throws -> pid_t {
        let ready = directory.appendingPathComponent("udp-\(port).ready").path
        let pid = try startInServer(
            [Self.python, directory.appendingPathComponent("udp_server.py").path, address.description, String(port), ready],
            name: "udp-\(port)")
        try await waitUntil("the UDP server on \(address) port \(port)", pid: pid, name: "udp-\(port)") {
            FileManager.default.fileExists(atPath: ready)
        }
        return pid
    }

    /// dnsmasq from Debian on 192.0.2.53: authoritative-ish for example.test (anything else
    /// there is NXDOMAIN, names elsewhere are REFUSED since it has no upstream).
    @discardableResult
    func startResolver() async throws -> pid_t {
        let pid = try startInServer(
            [
                "/usr/sbin/dnsmasq", "--no-daemon", "--no-resolv", "--no-hosts", "--conf-file=/dev/null", "--pid-file=",
                "--listen-address=192.0.2.53", "--bind-interfaces", "--port=53", "--user=nobody", "--group=nogroup",
                "--local=/example.test/", "--host-record=www.example.test,192.0.2.80",
                "--host-record=v6.example.test,2001:db8::80", "--mx-host=example.test,mail.example.test,10",
                "--txt-record=txt.example.test,hello",
            ], name: "dnsmasq")
        try await waitUntil("dnsmasq on 192.0.2.53", pid: pid, name: "dnsmasq") {
            let sockets = (try? Self.shell("ip netns exec \(self.serverNamespace) ss -Hlun 'sport = :53'")) ?? ""
            return sockets.contains("192.0.2.53:53")
        }
        return pid
    }

    private func waitUntil(_ what: String, pid: pid_t, name: String, _ condition: () -> Bool) async throws {
        for _ in 0..<250 {
            if condition() { return }
            guard Self.isRunning(pid) else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let log = (try? String(contentsOfFile: directory.appendingPathComponent(name + ".log").path, encoding: .utf8)) ?? ""
        throw SocketLabFailure(description: "\(what) did not start: \(log)")
    }

    /// Addresses behind the server acting as a router: 198.51.100.7 hits a `prohibit` route
    /// (ICMP administratively prohibited, a hard error) and 198.51.100.8 an `unreachable` route
    /// (ICMP host unreachable, a soft error a socket only hears of with IP_RECVERR).
    static let prohibited = IPAddress.v4(IPv4Address(198, 51, 100, 7))
    static let hostUnreachable = IPAddress.v4(IPv4Address(198, 51, 100, 8))

    /// Routes 198.51.100.0/24 through the server and installs its `prohibit` and `unreachable` routes.
    /// The server sends these ICMP errors to one source only about twice a second
    /// (net.ipv4.route.error_cost, a host-wide setting left alone), so each probe that needs one
    /// should come from its own `extraSource`.
    func routeThroughServer() throws {
        try inServer("sysctl -qw net.ipv4.ip_forward=1")
        try Self.shell("ip -n \(serverNamespace) route add prohibit 198.51.100.7/32")
        try Self.shell("ip -n \(serverNamespace) route add unreachable 198.51.100.8/32")
        try Self.shell("ip -n \(client) route add 198.51.100.0/24 via 192.0.2.2")
    }

    /// One of the client's extra source addresses, 192.0.2.11 to 192.0.2.18.
    static func extraSource(_ index: Int) -> IPAddress { .v4(IPv4Address(192, 0, 2, UInt8(11 + index % 8))) }

    func inServer(_ command: String) throws {
        try Self.shell("ip netns exec \(serverNamespace) \(command)")
    }

    func inClient(_ command: String) throws {
        try Self.shell("ip netns exec \(client) \(command)")
    }

    /// An endpoint with connect_timeout `timeout` (1 s unless said otherwise).
    static func endpoint(
        _ address: IPAddress = server, port: Int = 0, timeout: Duration = .seconds(1), bindAddress: IPAddress? = nil,
        bindInterface: String? = nil
    ) -> ProbeEndpoint {
        ProbeEndpoint(address: address, port: port, bindAddress: bindAddress, bindInterface: bindInterface, connectTimeout: timeout)
    }

    /// Runs `probe` once and measures how long it took.
    static func timed(_ probe: some HealthProbe) async -> (outcome: CheckOutcome, elapsed: Duration) {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await probe.run()
        return (outcome, clock.now - start)
    }

    @discardableResult
    static func shell(_ command: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw SocketLabFailure(description: "\(command): \(text)") }
        return text
    }

    /// `text` as a Python string literal.
    static func pythonString(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }

    /// Single-quotes `text` for /bin/sh.
    static func quote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Exits 0 once 192.0.2.2 and 2001:db8::2 both answer a datagram to port 9 with port unreachable.
    static let linkWaitScript = #"""
        import socket, sys, time
        for family, address in ((socket.AF_INET, "192.0.2.2"), (socket.AF_INET6, "2001:db8::2")):
            deadline = time.time() + 10
            while True:
                s = socket.socket(family, socket.SOCK_DGRAM)
                s.settimeout(0.2)
                s.connect((address, 9))
                s.send(b"x")
                try:
                    s.recv(1)
                except ConnectionRefusedError:
                    break
                except socket.timeout:
                    pass
                if time.time() > deadline:
                    sys.exit("no path to " + address)
        """#

    /// The UDP test server: "PING…" is answered "PONG…", "SILENT" not at all, anything else echoed.
    static let udpServerScript = #"""
        import socket, sys
        address, port, ready = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        s = socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((address, port))
        open(ready, "w").close()
        while True:
            data, peer = s.recvfrom(65535)
            if data.startswith(b"PING"):
                s.sendto(b"PONG" + data[4:], peer)
            elif data != b"SILENT":
                s.sendto(data, peer)
        """#
}

struct SocketLabFailure: Error, CustomStringConvertible { let description: String }

/// Reads checker blocks with the real configuration loader, so the probes are built the way the
/// engine will build them.
enum SocketProbeConfig {
    /// The configuration of one virtual server with one real server holding `checker`; `extra`
    /// goes at the top level (track_file blocks).
    static func load(checker: String, protocolName: String = "UDP", realServerWeight: Int = 1, extra: String = "") throws
        -> Configuration
    {
        let text = """
            \(extra)
            virtual_server 203.0.113.10 53 {
                protocol \(protocolName)
                real_server 192.0.2.2 53 {
                    weight \(realServerWeight)
            \(checker)
                }
            }
            """
        let result = ConfigLoader.load(text: text)
        guard !result.diagnostics.hasErrors else { throw SocketLabFailure(description: "config did not load: \(result.diagnostics.all)") }
        return result.configuration
    }

    /// The real server (192.0.2.2 port 53) holding the one checker `block`.
    static func realServer(_ block: String, protocolName: String = "UDP") throws -> RealServer {
        guard let realServer = try load(checker: block, protocolName: protocolName).lvs.virtualServers.first?.realServers.first
        else { throw SocketLabFailure(description: "no real server around \(block)") }
        return realServer
    }

    static func checker(_ block: String, protocolName: String = "UDP") throws -> Checker {
        guard let checker = try realServer(block, protocolName: protocolName).checkers.first
        else { throw SocketLabFailure(description: "no checker in \(block)") }
        return checker
    }

    /// The endpoint the engine would build for the first checker of `realServer` (connect_ip and so on).
    static func endpoint(_ realServer: RealServer) throws -> ProbeEndpoint {
        guard let connection = realServer.checkers.first?.connection else { throw SocketLabFailure(description: "no connection settings") }
        return ProbeEndpoint(connection: connection, realServer: realServer)
    }

    static func udpCheck(_ body: String) throws -> UDPCheck {
        guard case .udp(let check) = try checker("UDP_CHECK {\n\(body)\n}") else { throw SocketLabFailure(description: "not UDP_CHECK") }
        return check
    }

    static func dnsCheck(_ body: String) throws -> DNSCheck {
        guard case .dns(let check) = try checker("DNS_CHECK {\n\(body)\n}") else { throw SocketLabFailure(description: "not DNS_CHECK") }
        return check
    }

    static func miscCheck(_ body: String) throws -> MiscCheck {
        guard case .misc(let check) = try checker("MISC_CHECK {\n\(body)\n}", protocolName: "TCP") else {
            throw SocketLabFailure(description: "not MISC_CHECK")
        }
        return check
    }
}

/// A temporary directory any user can read and run scripts from, removed at the end.
final class SocketProbeScratch {
    let path: String

    init() throws {
        var template = Array("/tmp/vigil-sockprobes-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw SocketLabFailure(description: "mkdtemp failed") }
        path = String(cString: made)
        chmod(path, 0o755)
    }

    /// Writes an executable shell script and returns its path.
    func script(_ name: String, _ body: String) throws -> String {
        let file = path + "/" + name
        try ("#!/bin/sh\n" + body + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o755)
        return file
    }

    func write(_ name: String, _ contents: String) throws -> String {
        let file = path + "/" + name
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
