import VigilCore

/// global_defs: IPVS-wide settings (connection timeouts, connection sync, flushing).
public struct GlobalLVSSettings: Sendable, Encodable {
    /// `lvs_timeouts [tcp S] [tcpfin S] [udp S]`: absent values leave the kernel's as they are.
    public let lvsTimeouts: LVSTimeouts?
    /// `lvs_sync_daemon IFACE [inst VRRP_INSTANCE] [id N] [maxlen N] [port N] [ttl N] [group ADDR]`.
    public let lvsSyncDaemon: LVSSyncDaemon?
    /// `lvs_flush`: clear every IPVS service at startup (default off).
    public let lvsFlush: Located<Bool>
    /// `lvs_flush_on_stop [VS]`: clear IPVS at shutdown (default off).
    public let lvsFlushOnStop: Located<LVSFlushOnStop>
}

/// What `lvs_flush_on_stop` removes at shutdown.
public enum LVSFlushOnStop: String, Sendable, Encodable, CaseIterable {
    /// Keyword absent: each virtual and real server is deleted one by one.
    case off
    /// Bare keyword: the whole IPVS table is flushed.
    case full
    /// `VS`: each managed virtual server is removed, letting the kernel drop its real servers.
    case virtualServers = "VS"
}

/// `lvs_timeouts`: IPVS connection timeouts in whole seconds.
public struct LVSTimeouts: Sendable, Encodable {
    public let tcp: Located<Seconds>?
    public let tcpfin: Located<Seconds>?
    public let udp: Located<Seconds>?
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case tcp, tcpfin, udp }
}

/// `lvs_sync_daemon`: the kernel's IPVS connection synchronisation between directors.
public struct LVSSyncDaemon: Sendable, Encodable {
    /// The interface the sync messages use.
    public let interface: Located<String>
    /// `inst NAME`: run master or backup sync to follow this vrrp_instance; absent runs both always.
    public let inst: Located<String>?
    /// `id` 0-255: sync id; absent means the instance's virtual_router_id (or 0).
    public let id: Located<Int>?
    /// `maxlen` 1-65507: largest sync packet.
    public let maxlen: Located<Int>?
    /// `port` (default 8848).
    public let port: Located<Int>
    /// `ttl` 1-255.
    public let ttl: Located<Int>?
    /// `group`: multicast group (default 224.0.0.81).
    public let group: Located<IPAddress>
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case interface, inst, id, maxlen, port, ttl, group }
}
