import VigilCheck
import VigilConfig
import VigilCore
import VigilTelemetry

/// The /status view of what the configuration declares; live fields stay nil until an engine fills them.
enum ConfiguredStatus {
    static func vrrpInstances(_ configuration: Configuration, live: [String: VRRPLiveStatus] = [:]) -> [VRRPInstanceStatus] {
        configuration.vrrp.vrrpInstances.map { instance in
            let running = live[instance.name]
            return VRRPInstanceStatus(
                name: instance.name, interface: instance.interface?.value,
                virtualRouterId: instance.virtualRouterId?.value, version: instance.version.value.rawValue,
                initialState: instance.state.value.rawValue, configuredPriority: instance.priority.value,
                effectivePriority: running?.effectivePriority, state: running?.state,
                virtualIpaddresses: instance.virtualIpaddress.map { vip in
                    vip.dev.map { "\(vip.address) dev \($0)" } ?? "\(vip.address)"
                },
                masterHeard: running?.masterHeard, lastTransitionAt: running?.lastTransitionAt.map(WallClock.rfc3339))
        }
    }

    static func virtualServers(
        _ configuration: Configuration, live: [String: RealServerLive] = [:], quorum: [String: Bool] = [:]
    ) -> [VirtualServerStatus] {
        configuration.lvs.virtualServers.map { server in
            let label = CheckIdentity.label(of: server)
            return VirtualServerStatus(
                service: service(server), scheduler: server.lvsSched.value.rawValue,
                forwarding: server.lvsMethod.value.rawValue, persistenceTimeout: server.persistenceTimeout?.value,
                quorum: server.quorum.value, quorumUp: quorum[label],
                realServers: server.realServers.map { real in
                    let running = live[label + " " + CheckIdentity.label(of: real)]
                    return RealServerStatus(
                        address: real.address.value.withPort(real.port.value), weight: running?.weight ?? real.weight.value,
                        forwarding: real.lvsMethod.value.rawValue, checkers: real.checkers.map(\.type.rawValue),
                        health: running.map { $0.isUp ? "up" : "down" }, lastCheckSeconds: running?.lastCheckSeconds,
                        lastResults: running?.lastResults)
                })
        }
    }

    /// ipvsadm's service column: protocol and address, or FWM and the mark.
    static func service(_ server: VirtualServer) -> String {
        switch server.target {
        case .address(let address, let port): "\(server.protocol.value.rawValue) \(address.value.withPort(port.value))"
        case .fwmark(let mark): "FWM \(mark.value)"
        case .group(let name): "group \(name.value)"
        }
    }

}
