import Foundation
import NIOCore
import Testing
import VigilCheck
@testable import VigilCheckers
import VigilCore

/// A bare connect through `ProbeConnection`, the NIO connection layer HTTP_GET, SSL_GET and
/// SMTP_CHECK share (TCP_CHECK itself runs on the epoll poller: FastConnectTests).
struct TCPProbe: HealthProbe {
    let endpoint: ProbeEndpoint
    let group: any EventLoopGroup

    func run() async -> CheckOutcome {
        switch await ProbeConnection.run(endpoint: endpoint, group: group, completion: .onConnect(())) {
        case .success: .success
        case .failure(let failure): .failure(failure)
        }
    }
}

@Suite(
    "The NIO connection layer (used by HTTP and SMTP checks) against servers in namespaces", .serialized,
    .enabled(if: NIOProbeLab.isRoot, "NEEDS ROOT: creates network namespaces (CI runs as root)"))
struct TCPProbeTests {
    @Test("a listener passes; once it is killed the port refuses", .timeLimit(.minutes(1)))
    func upThenDown() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "accept"])
            let probe = TCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port), group: lab.group)
            #expect(await probe.run() == .success)
            await server.stop()
            let outcome = await probe.run()
            #expect(outcome.resultLabel == "refused", "\(outcome)")
        }
    }

    @Test("IPv6: a listener on 2001:db8::2 passes", .timeLimit(.minutes(1)))
    func ipv6() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "accept"], address: NIOProbeLab.serverAddressV6)
            let probe = TCPProbe(
                endpoint: NIOProbeLab.endpoint(NIOProbeLab.serverAddressV6, port: server.port), group: lab.group)
            #expect(await probe.run() == .success)
            #expect(try await server.awaitEntries("accept").first?["peer"] as? String == "2001:db8::1")
        }
    }

    @Test("no answer to the SYN: timeout, returned within connect_timeout plus slack", .timeLimit(.minutes(1)))
    func timeout() async throws {
        try await NIOProbeLab.run { lab in
            let probe = TCPProbe(
                endpoint: NIOProbeLab.endpoint(NIOProbeLab.silentAddress, port: 80, timeout: .seconds(1)), group: lab.group)
            let (outcome, elapsed) = await NIOProbeLab.timed(probe)
            #expect(outcome.resultLabel == "timeout", "\(outcome)")
            #expect(elapsed >= .milliseconds(950))
            #expect(elapsed < .seconds(1) + NIOProbeLab.timeoutSlack, "took \(elapsed)")
        }
    }

    @Test("no route to the address: unreachable, long before connect_timeout", .timeLimit(.minutes(1)))
    func unreachable() async throws {
        try await NIOProbeLab.run { lab in
            let probe = TCPProbe(
                endpoint: NIOProbeLab.endpoint(NIOProbeLab.unroutedAddress, port: 80, timeout: .seconds(10)),
                group: lab.group)
            let (outcome, elapsed) = await NIOProbeLab.timed(probe)
            #expect(outcome.resultLabel == "unreachable", "\(outcome)")
            #expect(elapsed < .seconds(5), "took \(elapsed)")
        }
    }

    @Test("bindto and bind_port: the server sees that source address and port", .timeLimit(.minutes(1)))
    func bindAddress() async throws {
        try await NIOProbeLab.run { lab in
            // The server holds connections open, so our side always closes first.
            let server = try await lab.startServer(["mode": "silent"])
            let probe = TCPProbe(
                endpoint: NIOProbeLab.endpoint(
                    port: server.port, bindAddress: NIOProbeLab.secondClientAddress, bindPort: 40123),
                group: lab.group)
            #expect(await probe.run() == .success)
            // Twice: the fixed source port must be usable again right away (no TIME_WAIT on our side).
            let again = await probe.run()
            #expect(again == .success, "\(again)")
            let accepts = try await server.awaitEntries("accept", count: 2)
            #expect(accepts.count == 2)
            for accept in accepts {
                #expect(accept["peer"] as? String == "192.0.2.3")
                #expect(accept["port"] as? Int == 40123)
            }
            let unbound = TCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port), group: lab.group)
            #expect(await unbound.run() == .success)
            #expect(try await server.awaitEntries("accept", count: 3).last?["peer"] as? String == "192.0.2.1")
        }
    }

    @Test("bind_if: eth0 works, an interface that does not exist is an error", .timeLimit(.minutes(1)))
    func bindInterface() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "accept"])
            let onEth0 = TCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port, bindInterface: "eth0"), group: lab.group)
            #expect(await onEth0.run() == .success)
            // Bound to lo, the server's address is not reachable: proves the option is applied.
            let onLoopback = TCPProbe(
                endpoint: NIOProbeLab.endpoint(port: server.port, timeout: .milliseconds(500), bindInterface: "lo"),
                group: lab.group)
            #expect(await onLoopback.run().passed == false)
            let missing = TCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port, bindInterface: "nosuch0"), group: lab.group)
            let outcome = await missing.run()
            #expect(outcome == .failure(CheckFailure(.error, "bind_if nosuch0: no such interface")))
        }
    }

    @Test("fwmark: marked packets follow the policy route for the mark", .timeLimit(.minutes(1)))
    func firewallMark() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "accept"])
            // Packets marked 7 use table 100, where the server's subnet is unreachable.
            try await lab.inClient("ip rule add fwmark 7 table 100")
            try await lab.inClient("ip route add unreachable 192.0.2.0/24 table 100")
            let marked = TCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port, firewallMark: 7), group: lab.group)
            let outcome = await marked.run()
            #expect(outcome.resultLabel == "unreachable", "\(outcome)")
            let otherMark = TCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port, firewallMark: 8), group: lab.group)
            #expect(await otherMark.run() == .success)
        }
    }

    @Test("many probes at once share one event loop", .timeLimit(.minutes(1)))
    func concurrent() async throws {
        try await NIOProbeLab.run { lab in
            let server = try await lab.startServer(["mode": "accept"])
            let probe = TCPProbe(endpoint: NIOProbeLab.endpoint(port: server.port), group: lab.group)
            let passed = await withTaskGroup(of: Bool.self) { tasks in
                for _ in 0..<50 { tasks.addTask { await probe.run().passed } }
                return await tasks.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(passed == 50)
        }
    }
}
