import VigilCore

/// The daemon keywords written at the top level, outside any block.
public struct GlobalDaemonSettings: Sendable, Encodable {
    /// `net_namespace NAME`: run inside this network namespace (cannot change on reload).
    public let netNamespace: Located<String>?
    /// `net_namespace_ipvs [NAME]`: program IPVS in this namespace; an empty name means the default namespace.
    public let netNamespaceIpvs: Located<String>?
    /// `instance NAME`: tells several daemons in one namespace apart in pid file names.
    public let instance: Located<String>?
    /// `use_pid_dir`: keep pid files in /run/keepalived (default on when net_namespace or instance is set).
    public let usePidDir: Located<Bool>
    /// `linkbeat_use_polling`: poll link state (MII/ethtool/ioctl) instead of trusting netlink (default off).
    public let linkbeatUsePolling: Located<Bool>
    /// `child_wait_time`: whole seconds to wait for children at shutdown (default 5).
    public let childWaitTime: Located<Seconds>
}
