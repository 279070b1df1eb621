/// The kernel's IPVS table and its counters, read at one moment (for scrapes, /status and planning).
public struct IPVSSnapshot: Sendable, Hashable {
    /// Services and destinations with their settings; weights are in here.
    public var table: IPVSTable
    public var serviceStatistics: [IPVSServiceKey: IPVSStatistics]
    public var destinationStatistics: [IPVSServiceKey: [IPVSDestinationKey: IPVSDestinationStatistics]]
    /// Version and connection table size; nil when not read.
    public var info: IPVSInfo?
    /// Entries the kernel listed that Vigil cannot represent (an unknown protocol or forwarding
    /// method) or that were malformed; they are left out of `table`.
    public var unreadableEntries: Int

    public init(
        table: IPVSTable = IPVSTable(),
        serviceStatistics: [IPVSServiceKey: IPVSStatistics] = [:],
        destinationStatistics: [IPVSServiceKey: [IPVSDestinationKey: IPVSDestinationStatistics]] = [:],
        info: IPVSInfo? = nil,
        unreadableEntries: Int = 0
    ) {
        self.table = table
        self.serviceStatistics = serviceStatistics
        self.destinationStatistics = destinationStatistics
        self.info = info
        self.unreadableEntries = unreadableEntries
    }
}

/// The kernel's IPVS version and the size of its connection hash table.
public struct IPVSInfo: Sendable, Hashable {
    /// Encoded as the kernel does: major << 16 | minor << 8 | patch.
    public var version: UInt32
    public var connectionTableSize: UInt32

    public init(version: UInt32, connectionTableSize: UInt32) {
        self.version = version
        self.connectionTableSize = connectionTableSize
    }

    /// `1.2.1`.
    public var versionText: String {
        "\(version >> 16 & 0xFF).\(version >> 8 & 0xFF).\(version & 0xFF)"
    }
}
