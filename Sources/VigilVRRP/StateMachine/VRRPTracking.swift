/// The last reported status of everything an instance tracks; nothing reported means it counts for nothing.
public struct VRRPTrackingStatus: Sendable, Hashable {
    /// Link state by interface name (true = up).
    public var interfaces: [String: Bool] = [:]
    /// Script status by vrrp_script name (true = up, after rise/fall).
    public var scripts: [String: Bool] = [:]
    /// Last value read, by track_file name.
    public var files: [String: Int] = [:]
    /// Set by the sync group while another member is in FAULT.
    public var syncGroupFault = false

    public init() {}
}

/// Effective priority and faults from the configuration and the tracking status, following
/// keepalived.conf(5): a positive weight is added while the object is up, a negative weight is
/// added while it is down, `reverse` negates the contribution, and weight 0 means FAULT when down
/// (when up, with reverse). A track_file adds value × weight (negated by reverse) and faults
/// below -253; with weight 0 a non-zero value (zero, with reverse) is a fault.
public enum VRRPTracking {
    /// The priority this instance advertises: configured plus weights, within 1...254;
    /// the address owner always advertises 255.
    public static func effectivePriority(config: VRRPInstanceConfig, status: VRRPTrackingStatus) -> UInt8 {
        if config.isAddressOwner { return 255 }
        var total = Int(config.priority)
        for track in config.trackedInterfaces where track.weight != 0 {
            total += contribution(track, isUp: status.interfaces[track.name])
        }
        for track in config.trackedScripts where track.weight != 0 {
            total += contribution(track, isUp: status.scripts[track.name])
        }
        for track in config.trackedFiles where track.weight != 0 {
            if let value = status.files[track.name] {
                let weighted = fileContribution(track, value: value)
                if weighted >= -253 { total += min(weighted, 253) }
            }
        }
        return UInt8(min(max(total, 1), 254))
    }

    /// Every reason the instance must be in FAULT, in a stable order (own interface, interfaces, scripts, files, group).
    public static func faultCauses(config: VRRPInstanceConfig, status: VRRPTrackingStatus) -> [VRRPFaultCause] {
        var causes: [VRRPFaultCause] = []
        if config.tracksInterface, status.interfaces[config.interface] == false {
            causes.append(.interface(config.interface))
        }
        let ownInterfaceDone = config.tracksInterface
        for track in config.trackedInterfaces where track.weight == 0 && !(ownInterfaceDone && track.name == config.interface) {
            if let isUp = status.interfaces[track.name], isUp == track.reverse { causes.append(.interface(track.name)) }
        }
        for track in config.trackedScripts where track.weight == 0 {
            if let isUp = status.scripts[track.name], isUp == track.reverse { causes.append(.trackScript(track.name)) }
        }
        for track in config.trackedFiles {
            guard let value = status.files[track.name] else { continue }
            if track.weight == 0 {
                if (value != 0) != track.reverse { causes.append(.trackFile(track.name)) }
            } else if fileContribution(track, value: value) < -253 {
                causes.append(.trackFile(track.name))
            }
        }
        if status.syncGroupFault { causes.append(.syncGroup) }
        return causes
    }

    private static func contribution(_ track: VRRPTrack, isUp: Bool?) -> Int {
        guard let isUp else { return 0 }
        let weight = min(max(track.weight, -254), 254)
        let applied = (weight > 0 && isUp) || (weight < 0 && !isUp) ? weight : 0
        return track.reverse ? -applied : applied
    }

    /// value × weight, negated by reverse; both are clamped to 32 bits first (keepalived reads an int),
    /// so the product cannot overflow and the result is clamped back into Int.
    private static func fileContribution(_ track: VRRPTrack, value: Int) -> Int {
        let limit = Int64(Int32.max)
        let product = min(max(Int64(value), -limit), limit) * min(max(Int64(track.weight), -limit), limit)
        let signed = track.reverse ? -product : product
        return Int(clamping: signed)
    }
}
