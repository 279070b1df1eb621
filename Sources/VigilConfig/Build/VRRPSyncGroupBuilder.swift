import VigilCore

/// Reads one `vrrp_sync_group NAME { group { ... } ... }` block; members are checked once all instances are known.
enum VRRPSyncGroupBuilder {
    static func build(_ node: ConfigNode, defaults: VRRPDefaults, sink: DiagnosticSink) -> VRRPSyncGroup? {
        guard let name = SectionReading.blockName(node, sink: sink) else { return nil }
        var reader = BlockReader(block: node, context: "vrrp_sync_group \(name.value)", sink: sink)
        let groupBlock = reader.block("group")
        // keepalived ignores a sync group without members and carries on; the validator warns about it.
        let members = groupBlock
        let group = VRRPSyncGroup(
            name: name.value, location: node.location, group: memberNames(members, context: reader.context, sink: sink),
            trackInterface: VRRPTrackReader.objects(&reader, "track_interface", weights: VRRPTrackReader.interfaceWeights, interfaces: true),
            trackScript: VRRPTrackReader.objects(&reader, "track_script", weights: VRRPTrackReader.scriptWeights),
            trackFile: VRRPTrackReader.objects(&reader, "track_file", weights: VRRPTrackReader.fileWeights),
            trackProcess: VRRPTrackReader.objects(&reader, "track_process", weights: VRRPTrackReader.processWeights),
            notifyMaster: VRRPTrackReader.script(&reader, "notify_master"),
            notifyBackup: VRRPTrackReader.script(&reader, "notify_backup"),
            notifyFault: VRRPTrackReader.script(&reader, "notify_fault"),
            notifyStop: VRRPTrackReader.script(&reader, "notify_stop"), notifyDeleted: VRRPTrackReader.deleted(&reader),
            notify: VRRPTrackReader.script(&reader, "notify"),
            notifyPriorityChanges: reader.flag("notify_priority_changes", default: defaults.notifyPriorityChanges),
            smtpAlert: reader.flag("smtp_alert", default: defaults.smtpAlert),
            globalTracking: reader.flag("global_tracking"), syncGroupTrackingWeight: reader.flag("sync_group_tracking_weight"))
        if group.globalTracking.value {
            sink.warning(
                "'global_tracking' is deprecated", at: group.globalTracking.location ?? node.location,
                expected: "track_interface, track_script and track_file on the vrrp_sync_group", keyword: "global_tracking")
        }
        reader.finish(unsupported: UnsupportedKeyword.table(for: "vrrp_sync_group", in: VRRPSection.unsupportedKeywords))
        return group
    }

    /// One instance name per word; several on a line are accepted, as keepalived does.
    private static func memberNames(_ node: ConfigNode?, context: String, sink: DiagnosticSink) -> [Located<String>] {
        guard let node else { return [] }
        var names: [Located<String>] = []
        for line in node.children ?? [] {
            if line.hasBlock {
                sink.error(
                    "'\(line.name)' in group of \(context) cannot have a block", at: line.location,
                    expected: "vrrp_instance names, one per line", keyword: "group")
                continue
            }
            for token in [line.keyword] + line.arguments {
                if let first = names.first(where: { $0.value == token.text }) {
                    sink.warning(
                        "'\(token.text)' is listed twice in group of \(context); the entry on line \(first.location?.line ?? 0) is used",
                        at: token.location, keyword: "group")
                    continue
                }
                names.append(Located(token.text, at: token.location))
            }
        }
        return names
    }
}
