import VigilCore

/// Reads one `garp_group { ... }` block: intervals for one interface or for a set of interfaces.
enum VRRPGarpGroupBuilder {
    /// keepalived keeps intervals in a signed 32-bit count of microseconds.
    static let intervals = 0.0...2147.483647

    static func build(_ node: ConfigNode, sink: DiagnosticSink) -> GarpGroup {
        if let extra = node.arguments.first {
            sink.warning("'garp_group' takes no name; '\(extra.text)' is ignored", at: extra.location, keyword: "garp_group")
        }
        var reader = BlockReader(block: node, context: "garp_group", sink: sink)
        let interface = VRRPInstanceBuilder.interfaceName(&reader, "interface")
        var interfaces: [Located<String>] = []
        for block in reader.blocks("interfaces") {
            for line in block.children ?? [] {
                for token in [line.keyword] + line.arguments {
                    guard let name = AddressFields.interfaceName(token, what: "interfaces", sink: sink) else { continue }
                    interfaces.append(Located(name, at: token.location))
                }
            }
        }
        let group = GarpGroup(
            location: node.location, garpInterval: reader.seconds("garp_interval", in: intervals),
            gnaInterval: reader.seconds("gna_interval", in: intervals), interface: interface, interfaces: interfaces)
        if interface == nil && interfaces.isEmpty && !reader.statements.contains(where: { $0.name == "interface" || $0.name == "interfaces" }) {
            sink.warning(
                "garp_group has neither 'interface' nor 'interfaces', so it applies to no interface", at: node.location,
                expected: "'interface NAME' or 'interfaces { NAME ... }'", keyword: "garp_group")
        } else if let interface, !interfaces.isEmpty {
            sink.warning(
                "garp_group has both 'interface' and 'interfaces'; use one of them", at: interface.location ?? node.location,
                expected: "'interface' for one interface, 'interfaces' for several on one switch", keyword: "interface")
        }
        if group.garpInterval == nil && group.gnaInterval == nil {
            sink.warning(
                "garp_group sets neither garp_interval nor gna_interval, so it changes nothing", at: node.location,
                expected: "'garp_interval SECONDS' and/or 'gna_interval SECONDS'", keyword: "garp_group")
        }
        reader.finish(unsupported: UnsupportedKeyword.table(for: "garp_group", in: VRRPSection.unsupportedKeywords))
        return group
    }
}
