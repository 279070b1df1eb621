import NIOCore
import VigilCheck
import VigilConfig

/// UDP_CHECK: sends the payload on a connected socket. Without require_reply the server is up
/// unless an ICMP error (port, host or network unreachable) comes back within connect_timeout; with
/// it, a matching reply must arrive in that time.
public struct UDPProbe: HealthProbe {
    public let endpoint: ProbeEndpoint
    let payload: [UInt8]?
    let requirement: UDPReplyRequirement?
    let group: any EventLoopGroup

    /// The socket is opened on one of `group`'s threads, in that thread's network namespace.
    public init(endpoint: ProbeEndpoint, check: UDPCheck, group: any EventLoopGroup) {
        self.endpoint = endpoint
        payload = check.payload?.value.bytes
        requirement = check.requireReply.map {
            UDPReplyRequirement(
                pattern: $0.value, minimumLength: check.minReplyLength.value, maximumLength: check.maxReplyLength.value)
        }
        self.group = group
    }

    public func run() async -> CheckOutcome {
        let requirement = requirement
        // One byte more than the longest acceptable reply, so a longer one is seen as too long.
        let capacity = max((requirement?.maximumLength ?? 0) + 1, 2048)
        let end = await DatagramExchange.run(
            [.udp], endpoint: endpoint, payload: payload ?? Self.randomPayload(), receiveCapacity: capacity, group: group
        ) { _, reply in
            .finish(requirement?.judge(reply) ?? .success)
        }
        switch end {
        case .finished(let outcome): return outcome
        case .timedOut:
            return requirement == nil ? .success : .failure(CheckFailure(.timeout, "no reply within \(endpoint.connectTimeout)"))
        case .socketError(let failure): return .failure(failure)
        case .cancelled: return .failure(CheckFailure(.error, "cancelled"))
        }
    }

    /// What goes out when no payload is written: keepalived sends filler bytes too.
    static func randomPayload() -> [UInt8] {
        (0..<16).map { _ in UInt8.random(in: .min ... .max) }
    }
}
