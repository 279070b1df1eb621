import VigilCheck

/// TCP_CHECK on the shared epoll connect poller: a non-blocking connect and nothing else, closed
/// with a reset, costing a few syscalls per check instead of a NIO channel.
public struct FastTCPProbe: HealthProbe {
    public let endpoint: ProbeEndpoint
    private let poller: TCPConnectPoller

    public init(endpoint: ProbeEndpoint, poller: TCPConnectPoller = .shared) {
        self.endpoint = endpoint
        self.poller = poller
    }

    public func run() async -> CheckOutcome {
        await poller.connect(to: endpoint)
    }
}
