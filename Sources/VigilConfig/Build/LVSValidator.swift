import VigilCore

/// Checks between LVS blocks: group names and references, group families, duplicate services, and
/// the track_file blocks FILE_CHECK names.
struct LVSValidator {
    let configuration: Configuration
    let sink: DiagnosticSink

    private var section: LVSSection { configuration.lvs }

    func run() {
        let groups = uniqueGroups()
        for server in section.virtualServers {
            guard case .group(let name) = server.target else { continue }
            guard let group = groups[name.value] else {
                let hint = Suggestion.closest(to: name.value, among: groups.keys).map { "did you mean '\($0)'?" }
                sink.error(
                    "virtual_server group '\(name.value)' refers to no virtual_server_group", at: name.location ?? server.location,
                    expected: groups.isEmpty ? "a 'virtual_server_group \(name.value) { ... }' block" : "one of \(groups.keys.sorted().joined(separator: ", "))",
                    hint: hint, keyword: "virtual_server")
                continue
            }
            check(server, using: group)
        }
        checkDuplicateServices()
        checkTrackFiles()
    }

    /// keepalived drops a FILE_CHECK whose track_file does not exist, leaving the server unchecked.
    private func checkTrackFiles() {
        let names = configuration.tracking.vrrpTrackFiles.map(\.name.value)
        for server in section.virtualServers {
            for realServer in server.realServers {
                for case .file(let check) in realServer.checkers where configuration.tracking.trackFile(named: check.trackFile.value) == nil {
                    let hint = Suggestion.closest(to: check.trackFile.value, among: names).map { "did you mean '\($0)'?" }
                    sink.error(
                        "FILE_CHECK names track_file '\(check.trackFile.value)', which is not defined", at: check.trackFile.location ?? check.location,
                        expected: names.isEmpty ? "a 'track_file \(check.trackFile.value) { file ... }' block" : "one of \(names.joined(separator: ", "))",
                        hint: hint, keyword: "track_file")
                }
            }
        }
    }

    /// The first group of each name; later ones with the same name are errors.
    private func uniqueGroups() -> [String: VirtualServerGroup] {
        var groups: [String: VirtualServerGroup] = [:]
        for group in section.virtualServerGroups {
            if let earlier = groups[group.name] {
                sink.error(
                    "virtual_server_group '\(group.name)' is already defined at line \(earlier.location.line)", at: group.location,
                    expected: "a unique group name", keyword: "virtual_server_group")
            } else {
                groups[group.name] = group
            }
        }
        return groups
    }

    private func check(_ server: VirtualServer, using group: VirtualServerGroup) {
        let name = "virtual_server group \(group.name)"
        if group.isEmpty {
            sink.warning(
                "\(name) uses a group with no entries, so it serves nothing", at: server.location,
                expected: "addresses or fwmarks in virtual_server_group \(group.name) (line \(group.location.line))", keyword: "virtual_server")
            return
        }
        let hasAddresses = !group.addressRanges.isEmpty
        if hasAddresses && !server.protocol.isExplicit {
            sink.warning(
                "\(name) has no 'protocol'; keepalived then uses UDP", at: server.location,
                expected: "'protocol TCP', 'protocol UDP' or 'protocol SCTP'", keyword: "protocol")
        }
        if !hasAddresses && server.protocol.isExplicit {
            sink.warning(
                "'protocol' has no effect on \(name): its group has only firewall marks", at: server.protocol.location ?? server.location,
                expected: "no 'protocol' for a fwmark-only group", keyword: "protocol")
        }
        if server.persistenceTimeout == nil, let portless = group.addressRanges.first(where: { $0.port == nil }) {
            sink.warning(
                "virtual_server_group \(group.name) has an address without a port (line \(portless.location.line)), which only works for a persistent service; keepalived makes \(name) persistent",
                at: server.location, expected: "a port on every group address, or 'persistence_timeout'", keyword: "persistence_timeout")
        }
        checkFamilies(server, group: group, name: name)
    }

    /// A group spanning both families needs tunnelled servers; otherwise servers must match its family.
    private func checkFamilies(_ server: VirtualServer, group: VirtualServerGroup, name: String) {
        let families = group.addressFamilies.union(group.fwmarks.compactMap { $0.ipFamily?.addressFamily })
        let servers = server.realServers.map { ($0.address, $0.lvsMethod.value, $0.location, "real_server") }
            + (server.sorryServer.map { [($0.address, $0.lvsMethod.value, $0.location, "sorry_server")] } ?? [])
        for (address, method, location, keyword) in servers where method != .tun {
            if families.count > 1 {
                sink.error(
                    "\(keyword) \(address.value) of \(name) is not tunnelled, but the group mixes IPv4 and IPv6",
                    at: address.location ?? location, expected: "'lvs_method TUN' for every server of a group with both families", keyword: keyword)
            } else if let family = families.first, address.value.family != family {
                sink.error(
                    "\(keyword) \(address.value) is \(CheckerReader.familyName(address.value.family)) but virtual_server_group \(group.name) is \(CheckerReader.familyName(family)); keepalived skips it",
                    at: address.location ?? location,
                    expected: "an \(CheckerReader.familyName(family)) address, or 'lvs_method TUN'", keyword: keyword)
            }
        }
    }

    /// IPVS holds one service per address, port and protocol (or per mark), so a repeat cannot be added.
    private func checkDuplicateServices() {
        var seen: [String: VirtualServer] = [:]
        for server in section.virtualServers {
            let key: String
            switch server.target {
            case .address: key = "\(server.target) \(server.protocol.value.rawValue)"
            case .fwmark: key = "\(server.target) \(server.addressFamily.map { "\($0)" } ?? "ipv4")"
            case .group: key = "\(server.target) \(server.protocol.value.rawValue) \(server.addressFamily.map { "\($0)" } ?? "")"
            }
            if let earlier = seen[key] {
                sink.error(
                    "virtual_server \(server.target) is already defined at line \(earlier.location.line)", at: server.location,
                    expected: "each address, port and protocol (or fwmark) in one virtual_server", keyword: "virtual_server")
            } else {
                seen[key] = server
            }
        }
    }
}
