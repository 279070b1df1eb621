import VigilCore

/// What one VRRP state machine needs from a vrrp_instance, every value already resolved
/// (defaults, global_defs, keepalived's rules for state MASTER); out-of-range values are clamped.
public struct VRRPInstanceConfig: Sendable, Hashable {
    /// The vrrp_instance name; the `vrrp_instance` label of its metrics.
    public let name: String
    /// VRID, 1-255.
    public let virtualRouterId: UInt8
    /// Configured Priority, 1-255; 255 means the address owner.
    public let priority: UInt8
    /// Advertisement_Interval: how often a master advertises (10 ms to 255 s).
    public let advertisementInterval: Duration
    /// Preempt_Mode. The config layer already forces it on for state MASTER, as keepalived does.
    public let preempt: Bool
    /// After startup (and after leaving FAULT) a backup does not preempt for this long.
    public let preemptDelay: Duration
    /// The `state` written in the configuration. It changes nothing here: keepalived 2.2.7 starts
    /// every instance but the address owner as BACKUP and waits Master_Down, and so do we.
    public let configuredState: VRRPConfiguredState
    /// VRRPv3 carries Max Adver Int, and a backup adopts the master's as Master_Adver_Interval
    /// (RFC 5798 §6.4.2); VRRPv2 adverts must match our own interval, so v2 keeps its own.
    public let learnsMasterAdvertisementInterval: Bool
    /// keepalived's down_timer_adverts: Master_Down_Interval is this many Master_Adver_Intervals
    /// plus Skew_Time (1-100; the RFC value is 3).
    public let downTimerAdverts: Int
    /// Our primary address on the interface, compared with a master's on equal priority.
    public let primaryAddress: IPAddress
    /// vrrp_strict / strict_mode: RFC behaviour only.
    public let strictMode: Bool
    /// keepalived's default (not RFC): a master hearing a lower-priority advert answers at once
    /// with its own advert and a gratuitous ARP burst. Off when `lower_prio_no_advert` is set.
    public let lowerPriorityAdvertReaction: Bool
    /// The interface the instance runs on.
    public let interface: String
    /// Whether the instance's own interface going down means FAULT (false after dont_track_primary).
    public let tracksInterface: Bool
    /// track_interface entries (the instance's own interface need not be listed).
    public let trackedInterfaces: [VRRPTrack]
    /// track_script entries; the weight is already resolved from the vrrp_script when not written.
    public let trackedScripts: [VRRPTrack]
    /// track_file entries; the weight is already resolved from the track_file block when not written.
    public let trackedFiles: [VRRPTrack]

    public init(
        name: String,
        virtualRouterId: UInt8,
        priority: UInt8 = 100,
        advertisementInterval: Duration = .seconds(1),
        preempt: Bool = true,
        preemptDelay: Duration = .zero,
        configuredState: VRRPConfiguredState = .backup,
        learnsMasterAdvertisementInterval: Bool = true,
        downTimerAdverts: Int = 3,
        primaryAddress: IPAddress,
        strictMode: Bool = false,
        lowerPriorityAdvertReaction: Bool = true,
        interface: String,
        tracksInterface: Bool = true,
        trackedInterfaces: [VRRPTrack] = [],
        trackedScripts: [VRRPTrack] = [],
        trackedFiles: [VRRPTrack] = []
    ) {
        self.name = name
        self.virtualRouterId = max(virtualRouterId, 1)
        self.priority = max(priority, 1)
        self.advertisementInterval = VRRPTiming.clampedInterval(advertisementInterval)
        self.preempt = preempt
        self.preemptDelay = max(preemptDelay, .zero)
        self.configuredState = configuredState
        self.learnsMasterAdvertisementInterval = learnsMasterAdvertisementInterval
        self.downTimerAdverts = min(max(downTimerAdverts, 1), 100)
        self.primaryAddress = primaryAddress
        self.strictMode = strictMode
        self.lowerPriorityAdvertReaction = lowerPriorityAdvertReaction
        self.interface = interface
        self.tracksInterface = tracksInterface
        self.trackedInterfaces = trackedInterfaces
        self.trackedScripts = trackedScripts
        self.trackedFiles = trackedFiles
    }

    /// Priority 255: the router that owns the virtual addresses (RFC 5798 §6.4.1).
    public var isAddressOwner: Bool { priority == 255 }

    /// vrrp_strict wins over the reaction, as keepalived refuses to clear lower_prio_no_advert in strict mode.
    public var reactsToLowerPriorityAdverts: Bool { lowerPriorityAdvertReaction && !strictMode }

    /// Whether an interface event concerns this instance.
    func tracks(interface name: String) -> Bool {
        (tracksInterface && name == interface) || trackedInterfaces.contains { $0.name == name }
    }
}

/// The `state` keyword of a vrrp_instance.
public enum VRRPConfiguredState: String, Sendable, Hashable, CaseIterable {
    case master
    case backup
}

/// One tracked object (interface, script or file) with the weight it adds to the priority.
public struct VRRPTrack: Sendable, Hashable {
    /// The interface name, or the name of the vrrp_script or track_file block.
    public let name: String
    /// 0 means a failure puts the instance into FAULT; otherwise see `VRRPTracking`.
    public let weight: Int
    /// Apply the weight in the opposite direction (keepalived's `reverse`).
    public let reverse: Bool

    public init(name: String, weight: Int = 0, reverse: Bool = false) {
        self.name = name
        self.weight = weight
        self.reverse = reverse
    }
}
