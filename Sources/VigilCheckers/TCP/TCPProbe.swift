import NIOCore
import VigilCheck

/// TCP_CHECK: the real server is up while a TCP connection to it succeeds within connect_timeout.
/// The connection is closed as soon as it is established; nothing is sent.
public struct TCPProbe: HealthProbe {
    public let endpoint: ProbeEndpoint
    private let group: any EventLoopGroup

    public init(endpoint: ProbeEndpoint, group: any EventLoopGroup) {
        self.endpoint = endpoint
        self.group = group
    }

    public func run() async -> CheckOutcome {
        switch await ProbeConnection.run(endpoint: endpoint, group: group, completion: .onConnect(())) {
        case .success: .success
        case .failure(let failure): .failure(failure)
        }
    }
}
