import Foundation
import Testing
import VigilCheck
import VigilConfig
import VigilCore

@testable import VigilCheckers

@Suite("UDP_CHECK replies judged against require_reply")
struct UDPReplyRequirementTests {
    static func requirement(_ body: String) throws -> UDPReplyRequirement {
        let check = try SocketProbeConfig.udpCheck(body)
        let pattern = try #require(check.requireReply)
        return UDPReplyRequirement(
            pattern: pattern.value, minimumLength: check.minReplyLength.value, maximumLength: check.maxReplyLength.value)
    }

    @Test("Pattern bytes must agree over the shorter length; x nibbles are not compared", arguments: [
        ("require_reply 504f4e47", Array("PONG".utf8), true),
        ("require_reply 504f4e47", Array("PONGS".utf8), true),
        ("require_reply 504f4e47", Array("PO".utf8), true),
        ("require_reply 504f4e47", Array("PONY".utf8), false),
        ("require_reply 50xx4e4x", Array("PING".utf8), true),
        ("require_reply 50xx4e4x", Array("PIXG".utf8), false),
        ("require_reply", Array("anything".utf8), true),
    ])
    func patterns(body: String, reply: [UInt8], passes: Bool) throws {
        let outcome = try Self.requirement(body).judge(reply)
        #expect(outcome.passed == passes)
        if !passes { #expect(reason(outcome) == .badReply) }
    }

    @Test("The length must lie within min_reply_length and max_reply_length", arguments: [
        (0, false), (1, false), (2, true), (4, true), (5, false),
    ])
    func lengths(count: Int, passes: Bool) throws {
        let requirement = try Self.requirement("require_reply\nmin_reply_length 2\nmax_reply_length 4")
        #expect(requirement.judge(Array(repeating: 0x41, count: count)).passed == passes)
    }
}

@Suite(
    "UDP_CHECK against a Python UDP server in a namespace", .serialized,
    .enabled(if: SocketProbeLab.isRoot, "NEEDS ROOT: creates network namespaces (CI runs as root)"))
struct UDPProbeTests {
    static let port = 5353

    /// The probe for a UDP_CHECK block aimed at the lab's server through connect_port.
    static func probe(_ body: String, lab: SocketProbeLab, address: String = "192.0.2.2", timeout: Int = 1) throws -> UDPProbe {
        let block = "UDP_CHECK {\nconnect_ip \(address)\nconnect_port \(port)\nconnect_timeout \(timeout)\n\(body)\n}"
        let realServer = try SocketProbeConfig.realServer(block)
        guard case .udp(let check) = realServer.checkers.first else { throw SocketLabFailure(description: "not UDP_CHECK") }
        return UDPProbe(endpoint: try SocketProbeConfig.endpoint(realServer), check: check, group: lab.group)
    }

    @Test("A reply that matches require_reply passes; one that does not, or is too long, fails", .timeLimit(.minutes(1)))
    func replies() async throws {
        try await SocketProbeLab.run { lab in
            try await lab.startUDPServer(port: Self.port)
            // The server answers PING with PONG.
            #expect(try await Self.probe("payload 50494e47\nrequire_reply 504f4e47", lab: lab).run() == .success)
            #expect(try await Self.probe("payload 50494e47\nrequire_reply 50xx4e47", lab: lab).run() == .success)
            #expect(try await Self.probe("payload 50494e47\nrequire_reply", lab: lab).run() == .success)
            let mismatch = try await Self.probe("payload 50494e47\nrequire_reply 4f4b", lab: lab).run()
            #expect(reason(mismatch) == .badReply)
            let tooLong = try await Self.probe("payload 50494e47\nrequire_reply\nmax_reply_length 3", lab: lab).run()
            #expect(reason(tooLong) == .badReply)
            // Echoed as is: more than 255 bytes back is longer than the default maximum.
            let big = String(repeating: "41", count: 300)
            #expect(reason(try await Self.probe("payload \(big)\nrequire_reply", lab: lab).run()) == .badReply)
            #expect(try await Self.probe("payload \(big)\nrequire_reply\nmax_reply_length 300", lab: lab).run() == .success)
        }
    }

    @Test("A closed port answers ICMP port unreachable: refused at once, with or without require_reply", .timeLimit(.minutes(1)))
    func closedPort() async throws {
        try await SocketProbeLab.run { lab in
            for body in ["payload 50494e47", "payload 50494e47\nrequire_reply 504f4e47", ""] {
                // A long connect_timeout, so "at once" cannot be confused with a timeout on a busy machine.
                let result = await SocketProbeLab.timed(try Self.probe(body, lab: lab, timeout: 5))
                #expect(reason(result.outcome) == .refused, "\(body)")
                #expect(result.elapsed < .seconds(2), "\(body)")
            }
        }
    }

    @Test("ICMP errors from a router fail as unreachable at once: host unreachable (soft) and prohibited (hard)", .timeLimit(.minutes(1)))
    func routerErrors() async throws {
        try await SocketProbeLab.run { lab in
            try lab.routeThroughServer()
            var source = 0
            for address in [SocketProbeLab.hostUnreachable, SocketProbeLab.prohibited] {
                for body in ["payload 50494e47", "payload 50494e47\nrequire_reply"] {
                    source += 1
                    let endpoint = SocketProbeLab.endpoint(
                        address, port: Self.port, timeout: .seconds(5), bindAddress: SocketProbeLab.extraSource(source))
                    let probe = UDPProbe(endpoint: endpoint, check: try SocketProbeConfig.udpCheck(body), group: lab.group)
                    let result = await SocketProbeLab.timed(probe)
                    #expect(reason(result.outcome) == .unreachable, "\(address) \(body)")
                    #expect(result.elapsed < .seconds(2), "\(address) \(body)")
                }
            }
        }
    }

    @Test("Silence is a pass without require_reply (no ICMP error) and a timeout with it", .timeLimit(.minutes(1)))
    func silence() async throws {
        try await SocketProbeLab.run { lab in
            try await lab.startUDPServer(port: Self.port)
            // "SILENT" gets no answer.
            let quiet = await SocketProbeLab.timed(try Self.probe("payload 53494c454e54", lab: lab))
            #expect(quiet.outcome == .success)
            #expect(quiet.elapsed >= .milliseconds(950), "it waited connect_timeout for an ICMP error")
            let required = await SocketProbeLab.timed(try Self.probe("payload 53494c454e54\nrequire_reply", lab: lab))
            #expect(reason(required.outcome) == .timeout)
            #expect(required.elapsed >= .milliseconds(950) && required.elapsed < .seconds(3))
        }
    }

    @Test("IPv6: a reply from 2001:db8::2 passes, a closed port is refused", .timeLimit(.minutes(1)))
    func ipv6() async throws {
        try await SocketProbeLab.run { lab in
            try await lab.startUDPServer(SocketProbeLab.serverV6, port: Self.port)
            #expect(try await Self.probe("payload 50494e47\nrequire_reply 504f4e47", lab: lab, address: "2001:db8::2").run() == .success)
            let closed = try UDPProbe(
                endpoint: SocketProbeLab.endpoint(SocketProbeLab.serverV6, port: Self.port + 1),
                check: SocketProbeConfig.udpCheck("require_reply"), group: lab.group)
            // The lab's first ICMPv6 error can be lost while the server still resolves the client's
            // neighbour entry; a second try must then see it. Either way the answer must be refused.
            var outcome = await closed.run()
            if reason(outcome) != .refused { outcome = await closed.run() }
            #expect(reason(outcome) == .refused)
        }
    }

    @Test("bind_if names an interface of the client namespace; a missing one is an error, not a server failure", .timeLimit(.minutes(1)))
    func bindInterface() async throws {
        try await SocketProbeLab.run { lab in
            try await lab.startUDPServer(port: Self.port)
            let check = try SocketProbeConfig.udpCheck("payload 50494e47\nrequire_reply 504f4e47")
            let bound = UDPProbe(
                endpoint: SocketProbeLab.endpoint(port: Self.port, bindInterface: "eth0"), check: check, group: lab.group)
            #expect(await bound.run() == .success)
            let missing = UDPProbe(
                endpoint: SocketProbeLab.endpoint(port: Self.port, bindInterface: "nosuch0"), check: check, group: lab.group)
            #expect(reason(await missing.run()) == .error)
        }
    }
}
