import VigilConfig
import VigilCore
import VigilIPVS

/// The IPVS table Vigil wants, from the configuration and the current health (keepalived's rules):
///
/// - Each virtual server is one service (a `group` target one per group address and fwmark); one
///   without real servers is left out, as keepalived ignores it.
/// - An up real server is present with its weight (configured or dynamic). A down one is absent, or
///   present with weight 0 under inhibit_on_failure; the same holds for one whose alpha checker has
///   not passed yet.
/// - When the quorum is lost (which includes no live weight at all) and a sorry_server is set, the
///   live real servers leave too (weight 0 under inhibit) and the sorry server takes the traffic with
///   weight 1 and its own method. Without a sorry server, a lost quorum changes no destination.
///   While the quorum holds, a sorry server with sorry_server_inhibit stays with weight 0.
/// - Non-NAT destinations use the service's port (IPVS cannot change ports); a non-tunnelled server of
///   the other address family is left out, as keepalived skips it; a repeated real server counts once.
public enum DesiredIPVSTable {
    /// keepalived's persistence timeout for services it makes persistent (6 minutes).
    public static let defaultPersistenceTimeout: UInt32 = 360

    /// `health[i]` belongs to `virtualServers[i]`; a virtual server without one counts as just started.
    public static func make(
        virtualServers: [VirtualServer], groups: [VirtualServerGroup], health: [VirtualServerHealth]
    ) -> IPVSTable {
        var table = IPVSTable()
        for (index, server) in virtualServers.enumerated() where !server.realServers.isEmpty {
            let serverHealth = health.indices.contains(index) ? health[index] : VirtualServerHealth(virtualServer: server)
            for slot in server.serviceSlots(groups: groups) where table.services[slot.key] == nil {
                table.services[slot.key] = service(server, slot)
                table.destinations[slot.key] = destinations(server, serverHealth, slot)
            }
        }
        return table
    }

    private static func service(_ server: VirtualServer, _ slot: ServiceSlot) -> IPVSService {
        var timeout = server.persistenceTimeout.map { UInt32(clamping: $0.value) }
        if timeout == nil && slot.needsPersistence { timeout = defaultPersistenceTimeout }
        let hostLength = slot.key.family == .ipv4 ? 32 : 128
        return IPVSService(
            key: slot.key, scheduler: server.lvsSched.value.rawValue, persistenceTimeout: timeout,
            persistencePrefixLength: server.persistenceGranularity.map { min(max($0.value, 0), hostLength) },
            flags: IPVSServiceFlags.of(server))
    }

    private static func destinations(
        _ server: VirtualServer, _ health: VirtualServerHealth, _ slot: ServiceSlot
    ) -> [IPVSDestinationKey: IPVSDestination] {
        let sorryInUse = server.sorryServer != nil && !health.quorum.isUp
        var table: [IPVSDestinationKey: IPVSDestination] = [:]
        var realServerKeys: Set<IPVSDestinationKey> = []
        for (index, realServer) in server.realServers.enumerated() where !health.isRepeatedRealServer(index) {
            guard let entry = destination(
                address: realServer.address.value, port: realServer.port.value, method: realServer.lvsMethod.value, slot: slot)
            else { continue }
            realServerKeys.insert(entry.key)
            let isUp = health.realServers.indices.contains(index) ? health.realServers[index].isUp : true
            let weight: Int
            if isUp && !sorryInUse {
                weight = health.realServers.indices.contains(index) ? health.realServers[index].weight : realServer.weight.value
            } else if realServer.inhibitOnFailure.value {
                weight = 0
            } else {
                continue
            }
            table[entry.key] = IPVSDestination(
                key: entry.key, forwarding: entry.forwarding, weight: Int32(clamping: weight),
                upperThreshold: UInt32(clamping: realServer.uthreshold?.value ?? 0),
                lowerThreshold: UInt32(clamping: realServer.lthreshold?.value ?? 0))
        }
        guard let sorry = server.sorryServer,
            let entry = destination(address: sorry.address.value, port: sorry.port.value, method: sorry.lvsMethod.value, slot: slot)
        else { return table }
        if sorryInUse {
            table[entry.key] = IPVSDestination(key: entry.key, forwarding: entry.forwarding, weight: 1)
        } else if sorry.inhibit.value && !realServerKeys.contains(entry.key) {
            // A sorry server that is also a real server follows the real server's state instead.
            table[entry.key] = IPVSDestination(key: entry.key, forwarding: entry.forwarding, weight: 0)
        }
        return table
    }

    private static func destination(
        address: IPAddress, port: Int, method: LVSMethod, slot: ServiceSlot
    ) -> (key: IPVSDestinationKey, forwarding: IPVSForwarding)? {
        if method != .tun && address.family != slot.key.family { return nil }
        let destinationPort = method == .nat ? UInt16(clamping: port) : slot.port
        return (IPVSDestinationKey(address: address, port: destinationPort), IPVSForwarding(method))
    }
}
