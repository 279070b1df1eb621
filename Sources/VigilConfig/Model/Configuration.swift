import VigilCore

/// A whole keepalived.conf, typed and immutable; each value knows where it was written.
public struct Configuration: Sendable, Encodable {
    /// The files read, main file first, then includes in the order they were read.
    public let files: [String]
    /// global_defs and the top-level daemon keywords (net_namespace, instance, ...).
    public let global: GlobalSection
    /// vrrp_script, track_file, vrrp_track_process, bfd_instance, linkbeat_interfaces, interface_up_down_delays, track_group.
    public let tracking: TrackingSection
    /// vrrp_instance, vrrp_sync_group, garp_group, static_ipaddress, static_routes, static_rules.
    public let vrrp: VRRPSection
    /// virtual_server_group and virtual_server with their real servers and checkers.
    public let lvs: LVSSection

    public init(files: [String], global: GlobalSection, tracking: TrackingSection, vrrp: VRRPSection, lvs: LVSSection) {
        self.files = files
        self.global = global
        self.tracking = tracking
        self.vrrp = vrrp
        self.lvs = lvs
    }

    /// The sections' keys side by side at the top of the dump.
    public func encode(to encoder: any Encoder) throws {
        try global.encode(to: encoder)
        try tracking.encode(to: encoder)
        try vrrp.encode(to: encoder)
        try lvs.encode(to: encoder)
    }
}

/// Everything a section builder may need from sections read before it.
public struct BuildContext {
    public let sink: DiagnosticSink
    public let global: GlobalSection?
    public let tracking: TrackingSection?
    /// For files read while building (vigil_smtp_password_file); nil reads none.
    public let fileSystem: (any ConfigFileSystem)?

    public init(
        sink: DiagnosticSink, global: GlobalSection? = nil, tracking: TrackingSection? = nil, fileSystem: (any ConfigFileSystem)? = nil
    ) {
        self.sink = sink
        self.fileSystem = fileSystem
        self.global = global
        self.tracking = tracking
    }
}
