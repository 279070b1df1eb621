import NIOCore
import VigilCheck
import VigilConfig

/// DNS_CHECK: asks the server one question over UDP and passes on an acceptable answer
/// (`DNSAnswerRule`) within connect_timeout. Datagrams that are not the reply (another id,
/// another question) are ignored; an ICMP error fails at once.
public struct DNSProbe: HealthProbe {
    public let endpoint: ProbeEndpoint
    public let name: String
    public let type: DNSQueryType
    public let rule: DNSAnswerRule
    let group: any EventLoopGroup
    let queryID: @Sendable () -> UInt16

    /// `queryID` makes each query's id (random by default; fixed in tests). The socket is opened
    /// on one of `group`'s threads, in that thread's network namespace.
    public init(
        endpoint: ProbeEndpoint, check: DNSCheck, group: any EventLoopGroup, rule: DNSAnswerRule = .noErrorResponse,
        queryID: @escaping @Sendable () -> UInt16 = { UInt16.random(in: .min ... .max) }
    ) {
        self.endpoint = endpoint
        name = check.name.value
        type = check.type.value
        self.rule = rule
        self.group = group
        self.queryID = queryID
    }

    public func run() async -> CheckOutcome {
        guard let query = DNSQuery(id: queryID(), name: name, type: type.code) else {
            return .failure(CheckFailure(.error, "name '\(name)' cannot be sent in a DNS query"))
        }
        let rule = rule
        // 512 bytes is the largest reply without EDNS; more room costs nothing and keeps a larger one whole.
        let end = await DatagramExchange.run([.udp], endpoint: endpoint, payload: query.bytes, receiveCapacity: 4096, group: group) {
            _, reply in DNSReplyJudge.judge(reply, query: query, rule: rule)
        }
        switch end {
        case .finished(let outcome): return outcome
        case .timedOut: return .failure(CheckFailure(.timeout, "no reply to \(type.rawValue) \(name) within \(endpoint.connectTimeout)"))
        case .socketError(let failure): return .failure(failure)
        case .cancelled: return .failure(CheckFailure(.error, "cancelled"))
        }
    }
}
