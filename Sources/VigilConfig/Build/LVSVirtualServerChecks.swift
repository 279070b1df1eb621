import VigilCore

/// The checks keepalived makes on one virtual server once it is read, with the same corrections.
struct LVSVirtualServerChecks {
    let server: VirtualServer
    let node: ConfigNode
    let explicitProtocol: Bool
    let sink: DiagnosticSink

    private var name: String { "virtual_server \(server.target)" }

    func run() {
        checkRealServers()
        checkFamilies()
        checkPorts()
        checkQuorum()
        checkServiceSettings()
    }

    private func checkServiceSettings() {
        switch server.target {
        case .address:
            if !explicitProtocol {
                sink.warning(
                    "\(name) has no 'protocol'; keepalived then uses UDP", at: node.location,
                    expected: "'protocol TCP', 'protocol UDP' or 'protocol SCTP'", keyword: "protocol")
            }
            if server.ops.value && server.protocol.value != .udp {
                sink.warning(
                    "'ops' (one-packet scheduling) only works with UDP; \(name) uses \(server.protocol.value.rawValue), so it is ignored",
                    at: server.ops.location ?? node.location, expected: "'protocol UDP' with 'ops'", keyword: "ops")
            }
            if let family = server.ipFamily, let own = server.target.addressFamily, family.value.addressFamily != own {
                sink.warning(
                    "ip_family \(family.value.rawValue) conflicts with the address of \(name) and is ignored", at: family.location ?? node.location,
                    expected: "ip_family \(LVSAddressFamily(own).rawValue), or no ip_family", keyword: "ip_family")
            }
        case .fwmark:
            if explicitProtocol {
                sink.warning(
                    "'protocol' has no effect on \(name): a firewall mark matches every protocol", at: server.protocol.location ?? node.location,
                    expected: "no 'protocol' for a fwmark service", keyword: "protocol")
            }
            if server.haSuspend.value {
                sink.warning(
                    "'ha_suspend' cannot be used with a fwmark service; keepalived clears it", at: server.haSuspend.location ?? node.location,
                    expected: "ha_suspend only on an address service", keyword: "ha_suspend")
            }
        case .group:
            break
        }
        for flag in server.schedulerFlags {
            if let scheduler = flag.value.scheduler, scheduler != server.lvsSched.value {
                sink.warning(
                    "'\(flag.value.rawValue)' only applies to the \(scheduler.rawValue) scheduler; \(name) uses \(server.lvsSched.value.rawValue), so it is ignored",
                    at: flag.location ?? node.location, expected: "'lvs_sched \(scheduler.rawValue)' with '\(flag.value.rawValue)'", keyword: flag.value.rawValue)
            }
        }
    }

    private func checkRealServers() {
        if server.realServers.isEmpty {
            sink.warning(
                "\(name) has no real_server; keepalived ignores it", at: node.location,
                expected: "at least one 'real_server IP PORT { ... }'", keyword: "real_server")
        }
        var seen: [String: RealServer] = [:]
        for realServer in server.realServers {
            let key = "\(realServer.address.value) \(realServer.port.value)"
            if let earlier = seen[key] {
                sink.warning(
                    "real_server \(realServer.address.value) port \(realServer.port.value) is already in \(name) (line \(earlier.location.line)); keepalived drops this one",
                    at: realServer.location, expected: "each real server once per virtual server", keyword: "real_server")
            } else {
                seen[key] = realServer
            }
        }
        if let sorry = server.sorryServer, let twin = seen["\(sorry.address.value) \(sorry.port.value)"], twin.inhibitOnFailure.value != sorry.inhibit.value {
            sink.warning(
                "sorry_server \(sorry.address.value) is also a real_server (line \(twin.location.line)) but their inhibit settings differ; keepalived uses the real server's",
                at: sorry.location, expected: "sorry_server_inhibit to match the real server's inhibit_on_failure", keyword: "sorry_server_inhibit")
        }
    }

    /// Non-tunnelled servers must share the service's family; only TUN may cross families.
    private func checkFamilies() {
        var family = server.target.addressFamily ?? server.ipFamily?.value.addressFamily
        var decidedBy = family.map { _ in name }
        let servers = server.realServers.map { ($0.address, $0.lvsMethod.value, $0.location, "real_server") }
            + (server.sorryServer.map { [($0.address, $0.lvsMethod.value, $0.location, "sorry_server")] } ?? [])
        for (address, method, location, keyword) in servers where method != .tun {
            guard let expected = family, let reference = decidedBy else {
                family = address.value.family
                decidedBy = "\(keyword) \(address.value) (line \(location.line))"
                continue
            }
            guard address.value.family != expected else { continue }
            sink.error(
                "\(keyword) \(address.value) is \(CheckerReader.familyName(address.value.family)) but \(reference) is \(CheckerReader.familyName(expected)); keepalived skips it",
                at: address.location ?? location,
                expected: "an \(CheckerReader.familyName(expected)) address, or 'lvs_method TUN' (only tunnelled servers may use the other family)",
                keyword: keyword)
        }
    }

    /// DR and TUN cannot change the destination port, and fwmark services have none.
    private func checkPorts() {
        for realServer in server.realServers where realServer.lvsMethod.value != .nat && realServer.port.isExplicit {
            switch server.target {
            case .address(_, let port) where port.value != 0 && realServer.port.value != port.value:
                sink.warning(
                    "real_server \(realServer.address.value) port \(realServer.port.value) differs from \(name); \(realServer.lvsMethod.value.rawValue) cannot change ports, so keepalived uses \(port.value)",
                    at: realServer.port.location ?? realServer.location, expected: "port \(port.value), or 'lvs_method NAT'", keyword: "real_server")
            case .fwmark:
                sink.warning(
                    "real_server \(realServer.address.value) has port \(realServer.port.value), which a \(realServer.lvsMethod.value.rawValue) fwmark service ignores",
                    at: realServer.port.location ?? realServer.location, expected: "no port on real servers of a fwmark service", keyword: "real_server")
            default:
                break
            }
        }
    }

    private func checkQuorum() {
        guard !server.realServers.isEmpty else { return }
        let total = server.totalWeight
        var quorum = server.quorum.value
        if quorum > total {
            sink.warning(
                "quorum \(quorum) is more than the total weight \(total) of the real servers of \(name); keepalived lowers it to \(total)",
                at: server.quorum.location ?? node.location, expected: "a quorum of at most \(total)", keyword: "quorum")
            quorum = total
        }
        if server.hysteresis.value > 0 && server.hysteresis.value >= quorum {
            sink.warning(
                "hysteresis \(server.hysteresis.value) is not below quorum \(quorum); keepalived lowers it to \(max(quorum - 1, 0))",
                at: server.hysteresis.location ?? node.location, expected: "a hysteresis below the quorum", keyword: "hysteresis")
        }
    }
}
