/// The kernel's traffic counters of a service or a destination, since it was added (64-bit).
public struct IPVSStatistics: Sendable, Hashable {
    /// Connections scheduled.
    public var connections: UInt64
    public var incomingPackets: UInt64
    public var outgoingPackets: UInt64
    public var incomingBytes: UInt64
    public var outgoingBytes: UInt64

    public init(
        connections: UInt64 = 0, incomingPackets: UInt64 = 0, outgoingPackets: UInt64 = 0,
        incomingBytes: UInt64 = 0, outgoingBytes: UInt64 = 0
    ) {
        self.connections = connections
        self.incomingPackets = incomingPackets
        self.outgoingPackets = outgoingPackets
        self.incomingBytes = incomingBytes
        self.outgoingBytes = outgoingBytes
    }
}

/// What the kernel reports about one destination besides its settings: counters and connection gauges.
public struct IPVSDestinationStatistics: Sendable, Hashable {
    public var counters: IPVSStatistics
    /// Connections in an established state now.
    public var activeConnections: UInt32
    /// Connections in any other state now (SYN_RECV, TIME_WAIT, ...).
    public var inactiveConnections: UInt32
    /// Persistence templates pointing at the destination now.
    public var persistentConnections: UInt32

    public init(
        counters: IPVSStatistics = IPVSStatistics(), activeConnections: UInt32 = 0, inactiveConnections: UInt32 = 0,
        persistentConnections: UInt32 = 0
    ) {
        self.counters = counters
        self.activeConnections = activeConnections
        self.inactiveConnections = inactiveConnections
        self.persistentConnections = persistentConnections
    }
}
