import VigilCore

/// The load-balancing part of the configuration: virtual server groups, virtual servers and the SSL context.
public struct LVSSection: Sendable, Encodable {
    /// The top-level `SSL { }` block, when given.
    public let ssl: CheckerSSLSettings?
    public let virtualServerGroups: [VirtualServerGroup]
    public let virtualServers: [VirtualServer]

    /// Keywords keepalived accepts in these blocks that Vigil reads but does not act on.
    public static let unsupportedKeywords: [UnsupportedKeyword] = [
        UnsupportedKeyword("virtual_server", "snmp_name", "SNMP is not implemented"),
        UnsupportedKeyword("virtual_server", "hashed", "an internal IPVS flag that the kernel sets itself"),
        UnsupportedKeyword("real_server", "snmp_name", "SNMP is not implemented"),
        UnsupportedKeyword("real_server", "BFD_CHECK", "BFD is not implemented"),
        UnsupportedKeyword("url", "regex_stack", "PCRE2 JIT stack sizes do not apply to Vigil's regex engine"),
    ]

    /// Takes `virtual_server_group`, `virtual_server` and `SSL` from the top level.
    public static func read(from top: inout BlockReader, context: BuildContext) -> LVSSection {
        let sink = context.sink
        let ssl = top.block("SSL").map { LVSSSLReader.read($0, sink: sink) }
        let groups = top.blocks("virtual_server_group").compactMap { LVSVirtualServerGroupReader.read($0, sink: sink) }
        let servers = top.blocks("virtual_server").compactMap { LVSVirtualServerReader.read($0, sink: sink) }
        return LVSSection(ssl: ssl, virtualServerGroups: groups, virtualServers: servers)
    }

    /// References between blocks: groups used by virtual servers, duplicates, families across groups,
    /// track files named by FILE_CHECK.
    public static func validate(_ configuration: Configuration, sink: DiagnosticSink) {
        LVSValidator(configuration: configuration, sink: sink).run()
    }
}
