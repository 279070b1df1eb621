import VigilCore

/// Checks between blocks once the whole configuration is read: VRID clashes, shared VIPs,
/// sync group membership and the names that track_* and track_group refer to.
struct VRRPCrossChecks {
    let configuration: Configuration
    let sink: DiagnosticSink

    private var vrrp: VRRPSection { configuration.vrrp }
    private var tracking: TrackingSection { configuration.tracking }

    func run() {
        duplicateNames()
        routerIdClashes()
        sharedAddresses()
        syncGroups()
        for instance in vrrp.vrrpInstances {
            trackReferences(instance.trackScript, instance.trackFile, instance.trackProcess, owner: "vrrp_instance \(instance.name)")
        }
        for group in vrrp.vrrpSyncGroups {
            trackReferences(group.trackScript, group.trackFile, group.trackProcess, owner: "vrrp_sync_group \(group.name)")
        }
        staticTrackGroups()
    }

    /// Notify scripts, sync groups and the dump identify instances by name.
    private func duplicateNames() {
        var seen: [String: VRRPInstance] = [:]
        for instance in vrrp.vrrpInstances {
            if let first = seen[instance.name] {
                sink.error(
                    "vrrp_instance \(instance.name) is defined twice (first on line \(first.location.line))", at: instance.location,
                    expected: "a unique name for each vrrp_instance", keyword: "vrrp_instance")
            } else {
                seen[instance.name] = instance
            }
        }
        var groups: [String: VRRPSyncGroup] = [:]
        for group in vrrp.vrrpSyncGroups {
            if let first = groups[group.name] {
                sink.error(
                    "vrrp_sync_group \(group.name) is defined twice (first on line \(first.location.line))", at: group.location,
                    expected: "a unique name for each vrrp_sync_group", keyword: "vrrp_sync_group")
            } else {
                groups[group.name] = group
            }
        }
    }

    /// Instances sharing a socket (interface, family, multicast group or overlapping unicast peers) need distinct VRIDs.
    private func routerIdClashes() {
        // Instances can only clash within one VRID, interface, family and transport: bucket them so
        // thousands of instances cost a dictionary lookup each, not a scan of all earlier ones.
        var buckets: [String: [Int]] = [:]
        let instances = vrrp.vrrpInstances
        for (index, instance) in instances.enumerated() {
            guard let vrid = instance.virtualRouterId, let interface = instance.interface else { continue }
            let key = "\(vrid.value)|\(interface.value)|\(instance.family)|\(instance.isUnicast)"
            let clash = buckets[key, default: []].first { otherIndex in
                let other = instances[otherIndex]
                if instance.isUnicast {
                    let peers = Set(other.unicastPeer.map(\.address))
                    return instance.unicastPeer.contains { peers.contains($0.address) }
                }
                return other.mcastDstIp?.value == instance.mcastDstIp?.value
            }.map { instances[$0] }
            if let clash {
                sink.error(
                    "vrrp_instance \(instance.name) uses virtual_router_id \(vrid.value) for \(VRRPInstanceRules.name(instance.family)) on \(interface.value), like vrrp_instance \(clash.name) (line \(clash.location.line))",
                    at: vrid.location ?? instance.location,
                    expected: "a virtual_router_id not used by another instance on the same interface and family",
                    keyword: "virtual_router_id")
            }
            buckets[key, default: []].append(index)
        }
    }

    /// Two instances owning one address fight over it whenever both are MASTER.
    private func sharedAddresses() {
        var owners: [IPAddress: VRRPInstance] = [:]
        for instance in vrrp.vrrpInstances {
            for spec in instance.virtualIpaddress + instance.virtualIpaddressExcluded {
                let address = spec.address.address
                if let owner = owners[address], owner.name != instance.name {
                    sink.warning(
                        "address \(address) is also a virtual address of vrrp_instance \(owner.name) (line \(owner.location.line))",
                        at: spec.location, expected: "each virtual address in one vrrp_instance", keyword: "virtual_ipaddress")
                } else if owners[address] == nil {
                    owners[address] = instance
                }
            }
        }
    }

    private func syncGroups() {
        let names = vrrp.vrrpInstances.map(\.name)
        let known = Set(names)
        var membership: [String: String] = [:]
        for group in vrrp.vrrpSyncGroups {
            var members = 0
            for member in group.group {
                guard known.contains(member.value) else {
                    let hint = Suggestion.closest(to: member.value, among: names).map { "did you mean '\($0)'?" }
                    sink.warning(
                        "vrrp_sync_group \(group.name) names '\(member.value)', which is not a vrrp_instance; it is ignored",
                        at: member.location ?? group.location, expected: "the name of a vrrp_instance", hint: hint, keyword: "group")
                    continue
                }
                if let other = membership[member.value] {
                    sink.warning(
                        "vrrp_instance \(member.value) is already in vrrp_sync_group \(other); an instance can be in only one group, so it is left out of \(group.name)",
                        at: member.location ?? group.location, expected: "each vrrp_instance in at most one vrrp_sync_group", keyword: "group")
                    continue
                }
                membership[member.value] = group.name
                members += 1
                zeroedWeights(of: member.value, in: group)
            }
            if members == 0 {
                sink.warning(
                    "vrrp_sync_group \(group.name) has no usable vrrp_instance and is ignored", at: group.location,
                    expected: "at least two vrrp_instance names in group", keyword: "group")
            } else if members == 1 {
                sink.warning(
                    "vrrp_sync_group \(group.name) has only one vrrp_instance, so it synchronises nothing", at: group.location,
                    expected: "at least two vrrp_instance names in group", keyword: "group")
            }
        }
    }

    /// Members of a sync group track with weight 0 (so all members keep equal priorities) unless the group says otherwise.
    private func zeroedWeights(of name: String, in group: VRRPSyncGroup) {
        guard !group.syncGroupTrackingWeight.value, !group.globalTracking.value, let instance = vrrp.instance(named: name) else { return }
        let weighted: [(String, TrackedObject, Int?)] =
            instance.trackScript.map { ("track_script", $0, $0.weight ?? tracking.script(named: $0.name)?.weight.value) }
            + instance.trackFile.map { ("track_file", $0, $0.weight ?? tracking.trackFile(named: $0.name)?.weight.value) }
            + instance.trackProcess.map { ("track_process", $0, $0.weight ?? tracking.trackProcess(named: $0.name)?.weight.value) }
            + instance.trackInterface.map { ("track_interface", $0, $0.weight) }
        for (keyword, object, weight) in weighted {
            guard let weight, weight != 0 else { continue }
            sink.warning(
                "\(keyword) \(object.name) of vrrp_instance \(name) has weight \(weight), but members of vrrp_sync_group \(group.name) track with weight 0 (a failure means FAULT)",
                at: object.location, expected: "weight 0, or sync_group_tracking_weight in the group", keyword: keyword)
        }
    }

    /// keepalived ignores a tracked name that no block defines; so do we, with a warning.
    private func trackReferences(_ scripts: [TrackedObject], _ files: [TrackedObject], _ processes: [TrackedObject], owner: String) {
        check(scripts, keyword: "track_script", defined: "vrrp_script", names: tracking.vrrpScripts.map(\.name.value), owner: owner) {
            tracking.script(named: $0) != nil
        }
        check(files, keyword: "track_file", defined: "track_file", names: tracking.vrrpTrackFiles.map(\.name.value), owner: owner) {
            tracking.trackFile(named: $0) != nil
        }
        check(processes, keyword: "track_process", defined: "vrrp_track_process", names: tracking.vrrpTrackProcesses.map(\.name.value), owner: owner) {
            tracking.trackProcess(named: $0) != nil
        }
    }

    private func check(
        _ objects: [TrackedObject], keyword: String, defined: String, names: [String], owner: String, exists: (String) -> Bool
    ) {
        for object in objects where !exists(object.name) {
            let hint = Suggestion.closest(to: object.name, among: names).map { "did you mean '\($0)'?" }
            sink.warning(
                "\(keyword) '\(object.name)' in \(owner) names no \(defined) block; it is ignored", at: object.location,
                expected: "the name of a \(defined) block", hint: hint, keyword: keyword)
        }
    }

    /// A track_group on a static address, route or rule must name a track_group block.
    private func staticTrackGroups() {
        let names = tracking.trackGroups.map(\.name.value)
        let references: [(String, String, SourceLocation)] =
            vrrp.staticIpaddresses.compactMap { spec in spec.trackGroup.map { ("static_ipaddress", $0, spec.location) } }
            + vrrp.staticRoutes.compactMap { spec in spec.trackGroup.map { ("static_routes", $0, spec.location) } }
            + vrrp.staticRules.compactMap { spec in spec.trackGroup.map { ("static_rules", $0, spec.location) } }
        for (block, name, location) in references where tracking.trackGroup(named: name) == nil {
            let hint = Suggestion.closest(to: name, among: names).map { "did you mean '\($0)'?" }
            sink.warning(
                "track_group '\(name)' in \(block) names no track_group block; the line is not tracked", at: location,
                expected: "the name of a track_group block", hint: hint, keyword: "track_group")
        }
    }
}
