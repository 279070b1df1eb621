import VigilConfig
import VigilCore
import VigilPlatform
import VigilVRRP

/// What the VRRP engine needs of one vrrp_instance, resolved from the configuration and the host.
struct VRRPInstancePlan: Sendable {
    let name: String
    let interface: String
    let family: AddressFamily
    let version: VRRPProtocolVersion
    let machine: VRRPInstanceConfig
    /// virtual_ipaddress, then virtual_ipaddress_excluded: the master owns all of them.
    let virtualAddresses: [VirtualAddress]
    /// How many of `virtualAddresses` go in adverts: the excluded ones never do.
    let advertisedCount: Int
    let authentication: VRRPAdvertisement.Authentication
    /// Where adverts go: the group, or each unicast peer.
    let destinations: [IPAddress]
    let source: IPAddress
    let skipsAddressCheck: Bool
    /// Gratuitous ARP / NA bursts on becoming master, on a lower-priority advert, and while master.
    let garpOnMaster: AnnouncementSchedule
    let garpOnLowerPriority: AnnouncementSchedule
    let notify: NotifyScripts

    /// The advert's interval field: whole seconds for v2, centiseconds for v3.
    var advertIntervalField: UInt16 { VRRPAdvertisement.intervalField(machine.advertisementInterval, version: version) }

    var advertisedAddresses: [IPAddress] { virtualAddresses.prefix(advertisedCount).map(\.prefix.address) }

    /// Every interface whose link state matters to this instance.
    var watchedInterfaces: Set<String> {
        var names = Set(machine.trackedInterfaces.map(\.name))
        if machine.tracksInterface { names.insert(interface) }
        return names
    }

    var validator: VRRPAdvertisementValidator {
        VRRPAdvertisementValidator(
            version: version, virtualRouterId: machine.virtualRouterId, authentication: authentication,
            advertisementInterval: advertIntervalField, addresses: advertisedAddresses, checksAddressList: !skipsAddressCheck)
    }

    /// Builds the plan, or says in one line why the instance cannot run.
    static func make(
        _ instance: VRRPInstance, scripts: GlobalScriptSettings, tracking: TrackingSection
    ) -> Result<VRRPInstancePlan, RuntimeProblem> {
        guard let interface = instance.interface?.value else {
            return .failure(RuntimeProblem("vrrp_instance \(instance.name) has no interface"))
        }
        guard let vrid = instance.virtualRouterId?.value, let vridByte = UInt8(exactly: vrid) else {
            return .failure(RuntimeProblem("vrrp_instance \(instance.name) has no virtual_router_id"))
        }
        let family = instance.family
        let version: VRRPProtocolVersion = family == .ipv6 || instance.version.value == .v3 ? .v3 : .v2
        let source: IPAddress
        if let configured = instance.unicastSrcIp?.value ?? instance.mcastSrcIp?.value {
            source = configured
        } else if let found = InterfaceAddresses.primary(of: interface, family: family) {
            source = found
        } else {
            return .failure(RuntimeProblem("vrrp_instance \(instance.name): interface \(interface) has no \(family == .ipv4 ? "IPv4" : "IPv6 link-local") address"))
        }
        let authentication: VRRPAdvertisement.Authentication =
            version == .v2 && instance.authentication?.authType.value == .pass
            ? .password(instance.authentication?.authPass.value ?? "") : .none
        let addresses = (instance.virtualIpaddress + instance.virtualIpaddressExcluded).map { spec in
            VirtualAddress(
                prefix: spec.address, interface: spec.dev ?? interface, label: spec.label, scope: spec.scope?.value)
        }
        let peers = instance.unicastPeer.map(\.address)
        let group: IPAddress = family == .ipv4 ? .v4(VRRPWire.ipv4Group) : .v6(VRRPWire.ipv6Group)
        let interval = Duration.microseconds(instance.advertInt.value.microseconds)
        // keepalived honours nopreempt and preempt_delay only with state BACKUP.
        let backup = instance.state.value == .backup
        let machine = VRRPInstanceConfig(
            name: instance.name, virtualRouterId: vridByte, priority: UInt8(clamping: instance.priority.value),
            advertisementInterval: interval, preempt: backup ? instance.preempt.value : true,
            preemptDelay: backup ? .microseconds(instance.preemptDelay.value.microseconds) : .zero,
            configuredState: backup ? .backup : .master, learnsMasterAdvertisementInterval: version == .v3,
            downTimerAdverts: instance.downTimerAdverts.value, primaryAddress: source,
            strictMode: instance.strictMode.value, lowerPriorityAdvertReaction: !instance.lowerPrioNoAdvert.value,
            interface: interface, tracksInterface: !instance.dontTrackPrimary.value,
            trackedInterfaces: instance.trackInterface.map { VRRPTrack(name: $0.name, weight: $0.weight ?? 0, reverse: $0.reverse) },
            // A track_script without its own weight takes the vrrp_script's.
            trackedScripts: instance.trackScript.map { track in
                let script = tracking.script(named: track.name)
                return VRRPTrack(
                    name: track.name, weight: track.weight ?? script?.weight.value ?? 0,
                    reverse: track.reverse != (script?.reverse.value ?? false))
            },
            trackedFiles: instance.trackFile.map { track in
                let file = tracking.trackFile(named: track.name)
                return VRRPTrack(
                    name: track.name, weight: track.weight ?? file?.weight.value ?? 1,
                    reverse: track.reverse != (file?.reverse.value ?? false))
            })
        return .success(
            VRRPInstancePlan(
                name: instance.name, interface: interface, family: family, version: version, machine: machine,
                virtualAddresses: addresses, advertisedCount: instance.virtualIpaddress.count, authentication: authentication, destinations: peers.isEmpty ? [group] : peers,
                source: source, skipsAddressCheck: instance.skipCheckAdvAddr.value,
                garpOnMaster: AnnouncementSchedule(
                    repeat: instance.garpMasterRepeat.value, secondBurstAfter: .microseconds(instance.garpMasterDelay.value.microseconds),
                    refreshEvery: .microseconds(instance.garpMasterRefresh.value.microseconds),
                    refreshRepeat: instance.garpMasterRefreshRepeat.value),
                garpOnLowerPriority: AnnouncementSchedule(
                    repeat: instance.garpLowerPrioRepeat.value,
                    secondBurstAfter: .microseconds(instance.garpLowerPrioDelay.value.microseconds), refreshEvery: .zero,
                    refreshRepeat: 0),
                notify: NotifyScripts(instance, scripts: scripts)))
    }
}

/// When to announce the virtual addresses: a burst, a second burst later, then periodic refreshes
/// (keepalived's garp_master_delay/repeat/refresh and garp_lower_prio_delay/repeat).
struct AnnouncementSchedule: Sendable, Equatable {
    let `repeat`: Int
    /// Zero: no second burst.
    let secondBurstAfter: Duration
    /// Zero: no refresh.
    let refreshEvery: Duration
    let refreshRepeat: Int
}

/// A reason a part of the configuration cannot run on this host, worded for the log.
struct RuntimeProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
