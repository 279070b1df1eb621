import VigilCore

/// Reads `track_group NAME { group { ... } }` and `bfd_instance NAME { ... }`.
enum TrackingGroupReader {
    static func trackGroup(_ node: ConfigNode, sink: DiagnosticSink) -> StaticTrackGroup? {
        let name = SectionReading.blockName(node, sink: sink)
        var reader = BlockReader(block: node, context: "track_group \(name?.value ?? "")", sink: sink)
        let groupNode = reader.block("group")
        reader.finish(unsupported: UnsupportedKeyword.table(for: "track_group", in: TrackingSection.unsupportedKeywords))
        var members: [Located<String>] = []
        for line in groupNode?.children ?? [] {
            if line.hasBlock {
                sink.error("'\(line.name)' in track_group group opens a block", at: line.location, expected: "vrrp_instance names", keyword: "group")
                continue
            }
            members += ([line.keyword] + line.arguments).map { Located($0.text, at: $0.location) }
        }
        guard let name else { return nil }
        if members.isEmpty {
            sink.warning(
                "track_group \(name.value) lists no vrrp_instance, so it tracks nothing", at: groupNode?.location ?? node.location,
                expected: "'group { VRRP_INSTANCE ... }'", keyword: "group")
        }
        return StaticTrackGroup(name: name, group: members, location: node.location)
    }

    /// Only the name is kept; every keyword inside is reported as not supported.
    static func bfdInstance(_ node: ConfigNode, sink: DiagnosticSink) -> BFDInstance? {
        let name = SectionReading.blockName(node, sink: sink)
        let reader = BlockReader(block: node, context: "bfd_instance \(name?.value ?? "")", sink: sink)
        reader.finish(unsupported: UnsupportedKeyword.table(for: "bfd_instance", in: TrackingSection.unsupportedKeywords))
        if (node.children ?? []).isEmpty, let name {
            sink.warning("bfd_instance \(name.value) is not supported yet and is ignored (\(TrackingUnsupportedKeywords.noBFD))", at: node.location, keyword: "bfd_instance")
        }
        return name.map { BFDInstance(name: $0, location: node.location) }
    }
}
