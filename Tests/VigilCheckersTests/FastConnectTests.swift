import Foundation
import Testing
import VigilCheck
import VigilCheckers
import VigilCore

/// The epoll connect poller and FastTCPProbe against servers in the NIOProbeLab namespaces. Each
/// test makes its own poller whose thread enters the lab's client namespace, and shuts it down.
@Suite(
    "TCP_CHECK on the epoll connect poller", .serialized,
    .enabled(if: NIOProbeLab.isRoot, "NEEDS ROOT: creates network namespaces (CI runs as root)"))
struct FastConnectTests {
    @Test("a listener passes; once it is killed the port refuses", .timeLimit(.minutes(1)))
    func upThenDown() async throws {
        try await FastConnectLab.run { lab, poller in
            let server = try await lab.startServer(["mode": "accept"])
            let probe = FastTCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port), poller: poller)
            #expect(await probe.run() == .success)
            #expect(try await server.awaitEntries("accept").first?["peer"] as? String == "192.0.2.1")
            await server.stop()
            let outcome = await probe.run()
            #expect(outcome.resultLabel == "refused", "\(outcome)")
        }
    }

    @Test("IPv6, from bindto and bind_port: the server sees that source", .timeLimit(.minutes(1)))
    func ipv6AndBind() async throws {
        try await FastConnectLab.run { lab, poller in
            let v6 = try await lab.startServer(["mode": "accept"], address: NIOProbeLab.serverAddressV6)
            let v6Probe = FastTCPProbe(endpoint: NIOProbeLab.endpoint(NIOProbeLab.serverAddressV6, port: v6.port), poller: poller)
            #expect(await v6Probe.run() == .success)
            #expect(try await v6.awaitEntries("accept").first?["peer"] as? String == "2001:db8::1")

            let v4 = try await lab.startServer(["mode": "accept"])
            let bound = NIOProbeLab.endpoint(
                port: v4.port, bindAddress: NIOProbeLab.secondClientAddress, bindPort: 40_123)
            #expect(await FastTCPProbe(endpoint: bound, poller: poller).run() == .success)
            let entry = try await v4.awaitEntries("accept").first
            #expect(entry?["peer"] as? String == "192.0.2.3")
            #expect(entry?["port"] as? Int == 40_123)
        }
    }

    @Test("no answer to the SYN: timeout, returned within connect_timeout plus slack", .timeLimit(.minutes(1)))
    func timeout() async throws {
        try await FastConnectLab.run { _, poller in
            let probe = FastTCPProbe(
                endpoint: NIOProbeLab.endpoint(NIOProbeLab.silentAddress, port: 80, timeout: .seconds(1)), poller: poller)
            let (outcome, elapsed) = await NIOProbeLab.timed(probe)
            #expect(outcome.resultLabel == "timeout", "\(outcome)")
            #expect(elapsed >= .milliseconds(990))
            #expect(elapsed < .seconds(1) + NIOProbeLab.timeoutSlack, "took \(elapsed)")
        }
    }

    @Test("no route to the address: unreachable at once", .timeLimit(.minutes(1)))
    func unreachable() async throws {
        try await FastConnectLab.run { _, poller in
            let probe = FastTCPProbe(
                endpoint: NIOProbeLab.endpoint(NIOProbeLab.unroutedAddress, port: 80, timeout: .seconds(10)), poller: poller)
            let (outcome, elapsed) = await NIOProbeLab.timed(probe)
            #expect(outcome.resultLabel == "unreachable", "\(outcome)")
            #expect(elapsed < .seconds(2), "took \(elapsed)")
        }
    }

    @Test("bind_if: eth0 works, lo cannot reach the server, a missing interface fails", .timeLimit(.minutes(1)))
    func bindInterface() async throws {
        try await FastConnectLab.run { lab, poller in
            let server = try await lab.startServer(["mode": "accept"])
            let onEth0 = FastTCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port, bindInterface: "eth0"), poller: poller)
            #expect(await onEth0.run() == .success)
            // Bound to lo, the server's address is not reachable: proves the option is applied.
            let onLoopback = FastTCPProbe(
                endpoint: NIOProbeLab.endpoint(port: server.port, timeout: .milliseconds(500), bindInterface: "lo"), poller: poller)
            #expect(await onLoopback.run().passed == false)
            let missing = FastTCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port, bindInterface: "nosuch0"), poller: poller)
            #expect(await missing.run().passed == false)
        }
    }

    @Test("fwmark: marked connects follow the policy route for the mark", .timeLimit(.minutes(1)))
    func firewallMark() async throws {
        try await FastConnectLab.run { lab, poller in
            let server = try await lab.startServer(["mode": "accept"])
            // Packets marked 7 use table 100, where the server's subnet is unreachable.
            try await lab.inClient("ip rule add fwmark 7 table 100")
            try await lab.inClient("ip route add unreachable 192.0.2.0/24 table 100")
            let marked = FastTCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port, firewallMark: 7), poller: poller)
            let outcome = await marked.run()
            #expect(outcome.resultLabel == "unreachable", "\(outcome)")
            let otherMark = FastTCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port, firewallMark: 8), poller: poller)
            #expect(await otherMark.run() == .success)
        }
    }

    @Test("1,000 connects at once all pass, and every descriptor is closed again", .timeLimit(.minutes(1)))
    func thousandConcurrent() async throws {
        try await FastConnectLab.run { lab, poller in
            let port = try await lab.startBacklogServer()
            let probe = FastTCPProbe(endpoint: NIOProbeLab.endpoint(port: port, timeout: .seconds(10)), poller: poller)
            _ = await probe.run()  // the poller's thread and epoll descriptor exist before the baseline
            let baseline = FastConnectLab.openDescriptors()
            let outcomes = await withTaskGroup(of: CheckOutcome.self) { group in
                for _ in 0..<1_000 { group.addTask { await probe.run() } }
                return await group.reduce(into: [CheckOutcome]()) { $0.append($1) }
            }
            #expect(outcomes.count == 1_000)
            #expect(outcomes.allSatisfy { $0 == .success }, "\(Set(outcomes))")
            #expect(await FastConnectLab.descriptorsReturn(to: baseline))
            // Closed with a reset, not a FIN: the client namespace keeps no TIME_WAIT behind.
            let sockets = try await NIOProbeLab.shell("ip netns exec \(lab.client) ss -Htan state time-wait")
            #expect(sockets.isEmpty, "\(sockets)")
        }
    }

    @Test("a cancelled check returns at once and closes its socket", .timeLimit(.minutes(1)))
    func cancellation() async throws {
        try await FastConnectLab.run { _, poller in
            let probe = FastTCPProbe(
                endpoint: NIOProbeLab.endpoint(NIOProbeLab.silentAddress, port: 80, timeout: .seconds(30)), poller: poller)
            _ = await FastTCPProbe(endpoint: NIOProbeLab.endpoint(NIOProbeLab.unroutedAddress, port: 80), poller: poller)
                .run()
            let baseline = FastConnectLab.openDescriptors()
            let clock = ContinuousClock()
            let task = Task { await probe.run() }
            try await Task.sleep(for: .milliseconds(300))
            #expect(FastConnectLab.openDescriptors() > baseline, "the connecting socket is open")
            let cancelledAt = clock.now
            task.cancel()
            let outcome = await task.value
            #expect(clock.now - cancelledAt < .seconds(1))
            #expect(outcome.resultLabel == "error", "\(outcome)")
            #expect(await FastConnectLab.descriptorsReturn(to: baseline))
        }
    }

    @Test("a check started in a cancelled task returns without connecting", .timeLimit(.minutes(1)))
    func cancelledBeforeStart() async throws {
        try await FastConnectLab.run { lab, poller in
            let server = try await lab.startServer(["mode": "accept"])
            let probe = FastTCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port), poller: poller)
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return await probe.run()
            }
            #expect(await task.value.resultLabel == "error")
            try await Task.sleep(for: .milliseconds(200))
            #expect(server.entries("accept").isEmpty)
        }
    }

    @Test(
        "CPU per check: 10,000 checks, 256 in flight, epoll poller against TCPProbe",
        .enabled(if: ProcessInfo.processInfo.environment["VIGIL_BENCH"] != nil, "benchmark: set VIGIL_BENCH=1"),
        .timeLimit(.minutes(2)))
    func cpuPerCheck() async throws {
        try await FastConnectLab.run { lab, poller in
            let port = try await lab.startBacklogServer()
            let endpoint = NIOProbeLab.endpoint(port: port, timeout: .seconds(10))
            let fast = try await FastConnectLab.measure(FastTCPProbe(endpoint: endpoint, poller: poller))
            let nio = try await FastConnectLab.measure(TCPProbe(endpoint: endpoint, group: lab.group))
            print("FastTCPProbe: \(fast.microsecondsPerCheck) µs CPU per check (\(fast.userMicroseconds) user), \(fast.failures) failures, \(fast.wall)")
            print("TCPProbe:     \(nio.microsecondsPerCheck) µs CPU per check (\(nio.userMicroseconds) user), \(nio.failures) failures, \(nio.wall)")
            #expect(fast.failures == 0)
            #expect(fast.microsecondsPerCheck < nio.microsecondsPerCheck)
        }
    }
}

/// NIOProbeLab plus a connect poller living in its client namespace.
enum FastConnectLab {
    static func run(_ body: (NIOProbeLab, TCPConnectPoller) async throws -> Void) async throws {
        try await NIOProbeLab.run { lab in
            let poller = TCPConnectPoller(networkNamespacePath: "/run/netns/\(lab.client)")
            defer { poller.shutdown() }
            try await body(lab, poller)
        }
    }

    /// How many descriptors this process has open.
    static func openDescriptors() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return -1 }
        defer { closedir(directory) }
        var count = 0
        while readdir(directory) != nil { count += 1 }
        return count - 3  // ".", ".." and the directory's own descriptor
    }

    /// Whether the descriptor count comes back to `baseline` within two seconds (other suites
    /// running in parallel open and close descriptors of their own).
    static func descriptorsReturn(to baseline: Int) async -> Bool {
        for _ in 0..<100 {
            if openDescriptors() <= baseline { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    /// Runs 10,000 checks with 256 in flight and returns the process CPU time per check.
    static func measure(_ probe: some HealthProbe) async throws
        -> (microsecondsPerCheck: Int, userMicroseconds: Int, failures: Int, wall: Duration)
    {
        let total = 10_000
        let clock = ContinuousClock()
        let start = clock.now
        let cpuBefore = processCPUMicroseconds()
        let userBefore = processCPUMicroseconds(userOnly: true)
        let failures = await withTaskGroup(of: Bool.self) { group in
            var started = 0
            var failures = 0
            while started < min(256, total) {
                group.addTask { await probe.run().passed }
                started += 1
            }
            for await passed in group {
                if !passed { failures += 1 }
                if started < total {
                    group.addTask { await probe.run().passed }
                    started += 1
                }
            }
            return failures
        }
        let cpu = processCPUMicroseconds() - cpuBefore
        let user = processCPUMicroseconds(userOnly: true) - userBefore
        return (cpu / total, user / total, failures, clock.now - start)
    }

    /// The process's CPU time (user and system, or user only), in microseconds. System time
    /// includes the kernel's work for both ends of each connection, which veth does in our context.
    static func processCPUMicroseconds(userOnly: Bool = false) -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        if userOnly { return usage.ru_utime.tv_sec * 1_000_000 + usage.ru_utime.tv_usec }
        return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000 + usage.ru_utime.tv_usec + usage.ru_stime.tv_usec
    }
}

extension NIOProbeLab {
    /// A listener with a 4096-connection backlog that accepts and closes as fast as it can, for
    /// many connects at once (the lab's Python server listens with a backlog of 64). Returns its port.
    func startBacklogServer() async throws -> Int {
        let port = freshPort()
        let ready = directory.appendingPathComponent("backlog-\(port).ready").path
        let script = """
            import socket
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("192.0.2.2", \(port)))
            s.listen(4096)
            open("\(ready)", "w").close()
            while True:
                c, _ = s.accept()
                c.close()
            """
        _ = try await startInServerNamespace([Self.python, "-c", script], name: "backlog-\(port)", port: port)
        return port
    }
}
