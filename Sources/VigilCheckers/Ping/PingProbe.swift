import NIOCore
import VigilCheck

/// PING_CHECK: one ICMP (or ICMPv6) echo request; up when its reply arrives within connect_timeout.
///
/// keepalived opens a ping socket and widens net.ipv4.ping_group_range so root may; Vigil leaves
/// that system setting alone: it uses a ping socket when the range allows one and a raw socket
/// (root, CAP_NET_RAW) otherwise.
public struct PingProbe: HealthProbe {
    /// Which ICMP socket to use.
    public enum SocketKind: Sendable, Hashable {
        /// A ping socket when allowed, else a raw socket.
        case automatic
        /// Only a ping socket (SOCK_DGRAM, IPPROTO_ICMP): needs our group in ping_group_range.
        case datagram
        /// Only a raw socket: needs CAP_NET_RAW.
        case raw
    }

    public let endpoint: ProbeEndpoint
    public let socketKind: SocketKind
    let group: any EventLoopGroup
    let random: @Sendable () -> UInt64

    /// `random` supplies the identifier, sequence and token of each request (tests fix it). The
    /// socket is opened on one of `group`'s threads, in that thread's network namespace.
    public init(
        endpoint: ProbeEndpoint, group: any EventLoopGroup, socketKind: SocketKind = .automatic,
        random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }
    ) {
        self.endpoint = endpoint
        self.socketKind = socketKind
        self.group = group
        self.random = random
    }

    public func run() async -> CheckOutcome {
        let kinds: [DatagramProbeSocket.Kind] =
            switch socketKind {
            case .automatic: [.icmpDatagram, .icmpRaw]
            case .datagram: [.icmpDatagram]
            case .raw: [.icmpRaw]
            }
        let value = random()
        let echo = ICMPEcho(
            isIPv6: endpoint.address.family == .ipv6, identifier: UInt16(truncatingIfNeeded: value),
            sequence: UInt16(truncatingIfNeeded: value >> 16), token: value)
        let end = await DatagramExchange.run(kinds, endpoint: endpoint, payload: echo.request, receiveCapacity: 2048, group: group) {
            kind, packet in
            // Raw IPv4 sockets deliver the IP header; ping sockets set their own identifier.
            let isReply = echo.isReply(packet, withIPv4Header: kind == .icmpRaw && !echo.isIPv6, checkIdentifier: kind == .icmpRaw)
            return isReply ? .finish(.success) : .ignore
        }
        switch end {
        case .finished(let outcome): return outcome
        case .timedOut: return .failure(CheckFailure(.timeout, "no echo reply within \(endpoint.connectTimeout)"))
        case .socketError(let failure): return .failure(failure)
        case .cancelled: return .failure(CheckFailure(.error, "cancelled"))
        }
    }
}
