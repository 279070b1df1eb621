import VigilCore

/// VRRP: vrrp_instance, vrrp_sync_group, garp_group, and the static_ipaddress / static_routes / static_rules blocks.
public struct VRRPSection: Sendable, Encodable {
    public let vrrpInstances: [VRRPInstance]
    public let vrrpSyncGroups: [VRRPSyncGroup]
    public let garpGroups: [GarpGroup]
    /// Addresses configured at startup and kept regardless of VRRP state.
    public let staticIpaddresses: [AddressSpec]
    public let staticRoutes: [RouteSpec]
    public let staticRules: [RuleSpec]

    public init(
        vrrpInstances: [VRRPInstance] = [], vrrpSyncGroups: [VRRPSyncGroup] = [], garpGroups: [GarpGroup] = [],
        staticIpaddresses: [AddressSpec] = [], staticRoutes: [RouteSpec] = [], staticRules: [RuleSpec] = []
    ) {
        self.vrrpInstances = vrrpInstances
        self.vrrpSyncGroups = vrrpSyncGroups
        self.garpGroups = garpGroups
        self.staticIpaddresses = staticIpaddresses
        self.staticRoutes = staticRoutes
        self.staticRules = staticRules
    }

    /// The instance with this name, if any.
    public func instance(named name: String) -> VRRPInstance? { vrrpInstances.first { $0.name == name } }

    /// Reads this section's top-level keywords from `top`.
    public static func read(from top: inout BlockReader, context: BuildContext) -> VRRPSection {
        let sink = context.sink
        let defaults = VRRPDefaults(global: context.global)
        var instances: [VRRPInstance] = []
        for node in top.blocks("vrrp_instance") {
            if let instance = VRRPInstanceBuilder.build(node, defaults: defaults, sink: sink) { instances.append(instance) }
        }
        let syncGroups = top.blocks("vrrp_sync_group").compactMap { VRRPSyncGroupBuilder.build($0, defaults: defaults, sink: sink) }
        let garpGroups = top.blocks("garp_group").map { VRRPGarpGroupBuilder.build($0, sink: sink) }
        let addresses = AddressLineParser(sink: sink, block: "static_ipaddress", isStatic: true)
        let routes = StaticRouteParser(sink: sink, block: "static_routes", isStatic: true)
        let rules = StaticRuleParser(sink: sink, block: "static_rules", isStatic: true)
        return VRRPSection(
            vrrpInstances: instances, vrrpSyncGroups: syncGroups, garpGroups: garpGroups,
            staticIpaddresses: top.blocks("static_ipaddress").flatMap { addresses.parse(block: $0) },
            staticRoutes: top.blocks("static_routes").flatMap { routes.parse(block: $0) },
            staticRules: top.blocks("static_rules").flatMap { rules.parse(block: $0) })
    }

    /// Cross-checks after every section was read: VRID clashes, sync group members, tracking references.
    public static func validate(_ configuration: Configuration, sink: DiagnosticSink) {
        VRRPCrossChecks(configuration: configuration, sink: sink).run()
    }
}
