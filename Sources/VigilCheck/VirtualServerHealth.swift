import VigilConfig

/// What one checker result changed for a virtual server.
public struct VirtualServerHealthChange: Sendable, Hashable {
    /// The real server's transitions, in order (a weight change before the up or down it came with).
    public var realServer: [RealServerTransition]
    public var quorum: QuorumTransition?

    public init(realServer: [RealServerTransition] = [], quorum: QuorumTransition? = nil) {
        self.realServer = realServer
        self.quorum = quorum
    }

    public var isEmpty: Bool { realServer.isEmpty && quorum == nil }
}

/// The health of one virtual server: its real servers (same order as in the configuration) and
/// its quorum, kept in step.
public struct VirtualServerHealth: Sendable, Hashable {
    /// `realServers[j]` is the health of the virtual server's `realServers[j]`.
    public private(set) var realServers: [RealServerHealth]
    public private(set) var quorum: QuorumState
    /// Repeated real servers (same address and port as an earlier one) count for nothing, as in keepalived.
    let isRepeat: [Bool]

    /// The state at start: alpha checkers down, the rest up, and the quorum as keepalived starts it.
    public init(virtualServer: VirtualServer) {
        realServers = virtualServer.realServers.map(RealServerHealth.init(realServer:))
        isRepeat = virtualServer.realServerIsRepeat
        // The live weight needs the real servers in place first, hence the placeholder.
        quorum = QuorumState(virtualServer: virtualServer, liveWeight: 0)
        quorum = QuorumState(virtualServer: virtualServer, liveWeight: liveWeight)
    }

    /// The summed weight of the live real servers, which the quorum is measured against.
    public var liveWeight: Int {
        zip(realServers, isRepeat).reduce(0) { sum, pair in
            pair.0.isUp && !pair.1 ? sum + pair.0.weight : sum
        }
    }

    /// Whether real server `index` is a repeat that keepalived drops.
    public func isRepeatedRealServer(_ index: Int) -> Bool { isRepeat.indices.contains(index) && isRepeat[index] }

    /// Records checker `checker` of real server `realServer`; an unknown index or a repeated real
    /// server changes nothing.
    public mutating func update(realServer: Int, checker: Int, isUp: Bool, weight: Int? = nil) -> VirtualServerHealthChange {
        guard realServers.indices.contains(realServer), !isRepeatedRealServer(realServer) else { return VirtualServerHealthChange() }
        let transitions = realServers[realServer].update(checker: checker, isUp: isUp, weight: weight)
        guard !transitions.isEmpty else { return VirtualServerHealthChange() }
        return VirtualServerHealthChange(realServer: transitions, quorum: quorum.update(liveWeight: liveWeight))
    }

    /// Records a step returned by the checker's `CheckerSchedule`.
    public mutating func update(realServer: Int, checker: Int, step: CheckerStep) -> VirtualServerHealthChange {
        update(realServer: realServer, checker: checker, isUp: step.isUp, weight: step.weight)
    }
}
