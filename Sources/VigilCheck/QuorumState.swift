import VigilConfig

/// A virtual server gaining or losing its quorum (the engine runs quorum_up or quorum_down).
public enum QuorumTransition: Sendable, Hashable {
    case gained
    case lost
}

/// Whether a virtual server has its quorum: the summed weight of its live real servers, with
/// hysteresis so a weight inside the band never flips the state.
///
/// As in keepalived: the quorum is gained when the live weight is at least quorum + hysteresis, and
/// lost when it falls below quorum − hysteresis or to zero (so a virtual server with no live weight
/// never has its quorum). The state at start is "up" exactly when the starting live weight reaches
/// quorum + hysteresis; starting inside the band means starting down.
public struct QuorumState: Sendable, Hashable {
    /// The quorum in effect (keepalived lowers one above the real servers' total weight to it).
    public let quorum: Int
    /// The hysteresis in effect (keepalived lowers one not below the quorum to quorum − 1).
    public let hysteresis: Int
    public private(set) var isUp: Bool
    public private(set) var liveWeight: Int

    /// Uses `quorum` and `hysteresis` as given (negative values count as 0).
    public init(quorum: Int, hysteresis: Int, liveWeight: Int) {
        self.quorum = max(quorum, 0)
        self.hysteresis = max(hysteresis, 0)
        self.liveWeight = max(liveWeight, 0)
        self.isUp = false
        self.isUp = reachesUp(self.liveWeight)
    }

    /// Takes quorum and hysteresis from the virtual server with keepalived's corrections.
    public init(virtualServer: VirtualServer, liveWeight: Int) {
        var quorum = virtualServer.quorum.value
        var hysteresis = virtualServer.hysteresis.value
        if !virtualServer.realServers.isEmpty {
            quorum = min(quorum, virtualServer.totalWeight)
            if hysteresis > 0 && hysteresis >= quorum { hysteresis = max(quorum - 1, 0) }
        }
        self.init(quorum: quorum, hysteresis: hysteresis, liveWeight: liveWeight)
    }

    /// The live weight at or above which a virtual server without quorum gains it.
    public var gainThreshold: Int { quorum + hysteresis }
    /// The live weight below which a virtual server with quorum loses it.
    public var lossThreshold: Int { quorum - hysteresis }

    /// Takes the new live weight; returns the transition when the state changes.
    public mutating func update(liveWeight newWeight: Int) -> QuorumTransition? {
        liveWeight = max(newWeight, 0)
        if isUp && (liveWeight == 0 || liveWeight < lossThreshold) {
            isUp = false
            return .lost
        }
        if !isUp && reachesUp(liveWeight) {
            isUp = true
            return .gained
        }
        return nil
    }

    private func reachesUp(_ weight: Int) -> Bool { weight > 0 && weight >= gainThreshold }
}
