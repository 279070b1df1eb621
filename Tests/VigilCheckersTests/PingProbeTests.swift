import Foundation
import Testing
import VigilCheck
import VigilCore

@testable import VigilCheckers

@Suite("ICMP echo requests and the replies that match them")
struct ICMPEchoTests {
    let echo = ICMPEcho(isIPv6: false, identifier: 0x1234, sequence: 0x0007, token: 0x0102_0304_0506_0708)

    /// The reply a host would send: the request with its type changed (checksum left alone).
    func reply(to request: [UInt8], type: UInt8) -> [UInt8] {
        var bytes = request
        bytes[0] = type
        return bytes
    }

    @Test("RFC 1071's worked example")
    func checksumExample() {
        #expect(ICMPEcho.checksum([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7]) == 0x220D)
        #expect(ICMPEcho.checksum([0x01]) == ~UInt16(0x0100))
    }

    @Test("An IPv4 request: type 8, identifier, sequence, token, and a checksum that sums to zero")
    func ipv4Request() {
        let request = echo.request
        #expect(Array(request.prefix(8)) == [8, 0, request[2], request[3], 0x12, 0x34, 0x00, 0x07])
        #expect(Array(request[8..<16]) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(request.count == 8 + ICMPEcho.payloadLength)
        #expect(ICMPEcho.checksum(request) == 0)
    }

    @Test("An ICMPv6 request is type 128 and leaves the checksum to the kernel")
    func ipv6Request() {
        let request = ICMPEcho(isIPv6: true, identifier: 1, sequence: 2, token: 3).request
        #expect(request[0] == 128)
        #expect(request[2] == 0 && request[3] == 0)
    }

    @Test("Replies: with and without the IPv4 header, identifier checked only when asked")
    func matching() {
        let plain = reply(to: echo.request, type: 0)
        #expect(echo.isReply(plain, withIPv4Header: false, checkIdentifier: true))
        let header: [UInt8] = [0x45, 0, 0, 84, 0, 0, 0x40, 0, 64, 1, 0, 0, 192, 0, 2, 2, 192, 0, 2, 1]
        #expect(echo.isReply(header + plain, withIPv4Header: true, checkIdentifier: true))
        #expect(!echo.isReply(plain, withIPv4Header: true, checkIdentifier: true), "no IP header where one is expected")

        var otherIdentifier = plain
        otherIdentifier[5] = 0x99
        #expect(!echo.isReply(otherIdentifier, withIPv4Header: false, checkIdentifier: true))
        #expect(echo.isReply(otherIdentifier, withIPv4Header: false, checkIdentifier: false), "ping sockets rewrite the identifier")

        var otherSequence = plain
        otherSequence[7] = 8
        #expect(!echo.isReply(otherSequence, withIPv4Header: false, checkIdentifier: false))
        var otherToken = plain
        otherToken[9] ^= 0xFF
        #expect(!echo.isReply(otherToken, withIPv4Header: false, checkIdentifier: false))
        #expect(!echo.isReply(echo.request, withIPv4Header: false, checkIdentifier: false), "our own request is not a reply")
        for length in 0..<plain.count {
            #expect(!echo.isReply(Array(plain.prefix(length)), withIPv4Header: false, checkIdentifier: false))
        }
        let six = ICMPEcho(isIPv6: true, identifier: 0x1234, sequence: 7, token: 9)
        #expect(six.isReply(reply(to: six.request, type: 129), withIPv4Header: false, checkIdentifier: true))
        #expect(!six.isReply(reply(to: six.request, type: 0), withIPv4Header: false, checkIdentifier: true))
    }
}

@Suite(
    "PING_CHECK between two namespaces", .serialized,
    .enabled(if: SocketProbeLab.isRoot, "NEEDS ROOT: creates network namespaces and raw ICMP sockets (CI runs as root)"))
struct PingProbeTests {
    @Test("A host that answers: raw and automatic sockets, IPv4 and IPv6", .timeLimit(.minutes(1)), arguments: [
        (SocketProbeLab.server, PingProbe.SocketKind.raw), (SocketProbeLab.server, .automatic),
        (SocketProbeLab.serverV6, .raw), (SocketProbeLab.serverV6, .automatic),
    ])
    func answers(address: IPAddress, kind: PingProbe.SocketKind) async throws {
        try await SocketProbeLab.run { lab in
            let probe = PingProbe(endpoint: SocketProbeLab.endpoint(address), group: lab.group, socketKind: kind)
            #expect(await probe.run() == .success)
        }
    }

    @Test("Ping sockets need ping_group_range: refused by a new namespace's default, used once it is widened", .timeLimit(.minutes(1)))
    func pingSockets() async throws {
        try await SocketProbeLab.run { lab in
            let v4 = PingProbe(endpoint: SocketProbeLab.endpoint(), group: lab.group, socketKind: .datagram)
            let refused = await v4.run()
            #expect(reason(refused) == .error, "a new namespace allows no group ping sockets")
            try lab.inClient("sysctl -qw net.ipv4.ping_group_range='0 2147483647'")
            #expect(await v4.run() == .success)
            let v6 = PingProbe(endpoint: SocketProbeLab.endpoint(SocketProbeLab.serverV6), group: lab.group, socketKind: .datagram)
            #expect(await v6.run() == .success)
        }
    }

    @Test("A host that ignores echo requests, and an address no host owns, time out", .timeLimit(.minutes(1)))
    func timeouts() async throws {
        try await SocketProbeLab.run { lab in
            try lab.inServer("sysctl -qw net.ipv4.icmp_echo_ignore_all=1 net.ipv6.icmp.echo_ignore_all=1")
            for address in [SocketProbeLab.server, SocketProbeLab.serverV6, SocketProbeLab.silent] {
                let result = await SocketProbeLab.timed(PingProbe(endpoint: SocketProbeLab.endpoint(address), group: lab.group))
                #expect(reason(result.outcome) == .timeout, "\(address)")
                #expect(result.elapsed >= .milliseconds(950) && result.elapsed < .seconds(3), "\(address)")
            }
        }
    }

    @Test("A router's host unreachable and prohibited fail as unreachable at once", .timeLimit(.minutes(1)))
    func routerErrors() async throws {
        try await SocketProbeLab.run { lab in
            try lab.routeThroughServer()
            var source = 0
            for address in [SocketProbeLab.hostUnreachable, SocketProbeLab.prohibited] {
                for kind in [PingProbe.SocketKind.raw, .automatic] {
                    source += 1
                    let endpoint = SocketProbeLab.endpoint(address, timeout: .seconds(5), bindAddress: SocketProbeLab.extraSource(source))
                    let result = await SocketProbeLab.timed(PingProbe(endpoint: endpoint, group: lab.group, socketKind: kind))
                    #expect(reason(result.outcome) == .unreachable, "\(address) \(kind)")
                    #expect(result.elapsed < .seconds(2), "\(address) \(kind)")
                }
            }
        }
    }

    @Test("Many pings at once on one event loop thread all come back", .timeLimit(.minutes(1)))
    func concurrent() async throws {
        try await SocketProbeLab.run { lab in
            let probe = PingProbe(endpoint: SocketProbeLab.endpoint(timeout: .seconds(3)), group: lab.group, socketKind: .raw)
            let outcomes = await withTaskGroup(of: CheckOutcome.self) { group in
                for _ in 0..<200 { group.addTask { await probe.run() } }
                return await group.reduce(into: [CheckOutcome]()) { $0.append($1) }
            }
            #expect(outcomes.count == 200)
            #expect(outcomes.allSatisfy { $0 == .success })
        }
    }
}
