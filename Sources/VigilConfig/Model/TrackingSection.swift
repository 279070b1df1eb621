import VigilCore

/// What VRRP instances (and real servers) can track: vrrp_script, track_file, vrrp_track_process,
/// bfd_instance, linkbeat_interfaces, interface_up_down_delays and track_group.
///
/// Several definitions may share a name; like keepalived, the lookups return the first one.
public struct TrackingSection: Sendable, Encodable {
    /// `vrrp_script NAME { ... }` blocks, in file order.
    public let vrrpScripts: [VRRPScript]
    /// `track_file` / `vrrp_track_file NAME { ... }` blocks.
    public let vrrpTrackFiles: [TrackedFile]
    /// `vrrp_track_process NAME { ... }` blocks.
    public let vrrpTrackProcesses: [TrackedProcess]
    /// `bfd_instance NAME { ... }` blocks, by name only (no BFD in Vigil).
    public let bfdInstances: [BFDInstance]
    /// The lines of `linkbeat_interfaces { ... }`.
    public let linkbeatInterfaces: [LinkbeatInterface]
    /// The lines of `interface_up_down_delays { ... }`.
    public let interfaceUpDownDelays: [InterfaceUpDownDelay]
    /// `track_group NAME { group { ... } }` blocks (static track groups).
    public let trackGroups: [StaticTrackGroup]

    public static let unsupportedKeywords: [UnsupportedKeyword] = TrackingUnsupportedKeywords.list

    /// The vrrp_script a track_script entry names.
    public func script(named name: String) -> VRRPScript? { vrrpScripts.first { $0.name.value == name } }
    /// The track_file a track_file entry names.
    public func trackFile(named name: String) -> TrackedFile? { vrrpTrackFiles.first { $0.name.value == name } }
    /// The vrrp_track_process a track_process entry names.
    public func trackProcess(named name: String) -> TrackedProcess? { vrrpTrackProcesses.first { $0.name.value == name } }
    /// The bfd_instance a track_bfd entry names.
    public func bfdInstance(named name: String) -> BFDInstance? { bfdInstances.first { $0.name.value == name } }
    /// The track_group a static address, route or rule names.
    public func trackGroup(named name: String) -> StaticTrackGroup? { trackGroups.first { $0.name.value == name } }
    /// The debounce delays of an interface, if it has any.
    public func upDownDelay(forInterface name: String) -> InterfaceUpDownDelay? {
        interfaceUpDownDelays.first { $0.interface.value == name }
    }

    /// Reads this section's top-level keywords from `top`.
    public static func read(from top: inout BlockReader, context: BuildContext) -> TrackingSection {
        let sink = context.sink
        let scripts = top.blocks("vrrp_script").compactMap { TrackingScriptReader.read($0, sink: sink) }
        let files = trackFileBlocks(&top).compactMap { TrackingFileReader.read($0, sink: sink) }
        let processes = top.blocks("vrrp_track_process").compactMap { TrackingProcessReader.read($0, sink: sink) }
        let bfd = top.blocks("bfd_instance").compactMap { TrackingGroupReader.bfdInstance($0, sink: sink) }
        let groups = top.blocks("track_group").compactMap { TrackingGroupReader.trackGroup($0, sink: sink) }
        SectionReading.warnDuplicateNames(scripts, keyword: "vrrp_script", name: \.name, sink: sink)
        SectionReading.warnDuplicateNames(files, keyword: "track_file", name: \.name, sink: sink)
        SectionReading.warnDuplicateNames(processes, keyword: "vrrp_track_process", name: \.name, sink: sink)
        SectionReading.warnDuplicateNames(bfd, keyword: "bfd_instance", name: \.name, sink: sink)
        SectionReading.warnDuplicateNames(groups, keyword: "track_group", name: \.name, sink: sink)
        return TrackingSection(
            vrrpScripts: scripts, vrrpTrackFiles: files, vrrpTrackProcesses: processes, bfdInstances: bfd,
            linkbeatInterfaces: TrackingInterfaceReader.linkbeat(top.blocks("linkbeat_interfaces"), sink: sink),
            interfaceUpDownDelays: TrackingInterfaceReader.upDownDelays(top.blocks("interface_up_down_delays"), sink: sink),
            trackGroups: groups)
    }

    /// Both spellings, in file order, so duplicate names are judged by position.
    private static func trackFileBlocks(_ top: inout BlockReader) -> [ConfigNode] {
        let nodes = top.blocks("track_file") + top.blocks("vrrp_track_file")
        let order = Dictionary(top.statements.enumerated().map { ($0.element.location, $0.offset) }, uniquingKeysWith: { first, _ in first })
        return nodes.sorted { (order[$0.location] ?? 0) < (order[$1.location] ?? 0) }
    }

    /// Cross-checks after every section was read: track_group members must be vrrp_instances.
    public static func validate(_ configuration: Configuration, sink: DiagnosticSink) {
        let instanceNames = configuration.vrrp.vrrpInstances.map(\.name)
        let known = Set(instanceNames)
        for group in configuration.tracking.trackGroups {
            for member in group.group where !known.contains(member.value) {
                let hint = Suggestion.closest(to: member.value, among: instanceNames).map { "did you mean '\($0)'?" }
                sink.warning(
                    "track_group \(group.name.value) names '\(member.value)', which is not a vrrp_instance; it is ignored",
                    at: member.location ?? group.location, expected: "the name of a vrrp_instance", hint: hint, keyword: "group")
            }
        }
    }
}
