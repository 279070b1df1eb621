import VigilCore

/// The state of one VRRP instance (RFC 5798 §6.4 plus keepalived's FAULT and a final stopped state), carrying its data.
public enum VRRPState: Sendable, Hashable {
    /// Configured but not started (RFC Initialize).
    case initialize
    /// Watching the master; becomes master when Master_Down expires.
    case backup(VRRPBackupState)
    /// Advertising and owning the virtual addresses.
    case master(VRRPMasterState)
    /// A tracked interface, script or file (or the sync group) says the instance must not serve.
    case fault(VRRPFaultCause)
    /// Shut down; no event moves it again.
    case stopped

    /// The name used in metrics, logs and notify scripts.
    public var name: VRRPStateName {
        switch self {
        case .initialize: .initialize
        case .backup: .backup
        case .master: .master
        case .fault: .fault
        case .stopped: .stopped
        }
    }
}

/// A state without its data; the raw value is the Prometheus `state` label.
public enum VRRPStateName: String, Sendable, Hashable, CaseIterable {
    case initialize = "init"
    case backup
    case master
    case fault
    case stopped
}

/// What a backup knows: the master it hears and when it will stop waiting for it.
public struct VRRPBackupState: Sendable, Hashable {
    /// The last advert heard, nil until one arrives.
    public var masterHeard: VRRPMasterHeard?
    /// Master_Adver_Interval: the master's interval (VRRPv3) or our own.
    public var masterAdvertisementInterval: Duration
    /// When the Master_Down timer fires unless an advert resets it.
    public var masterDownDeadline: Duration
    /// While set and not reached, lower-priority adverts are obeyed rather than preempted (preempt_delay).
    public var preemptDelayDeadline: Duration?

    public init(
        masterHeard: VRRPMasterHeard? = nil, masterAdvertisementInterval: Duration,
        masterDownDeadline: Duration, preemptDelayDeadline: Duration? = nil
    ) {
        self.masterHeard = masterHeard
        self.masterAdvertisementInterval = masterAdvertisementInterval
        self.masterDownDeadline = masterDownDeadline
        self.preemptDelayDeadline = preemptDelayDeadline
    }
}

/// What a master knows: its next advert, and any other router still claiming the VRID.
public struct VRRPMasterState: Sendable, Hashable {
    /// When the Adver_Timer fires.
    public var advertisementDeadline: Duration
    /// The last lower-priority advert heard while master (another router thinks it is master: split brain).
    public var lowerPriorityMasterHeard: VRRPMasterHeard?
    /// When we last answered a lower-priority advert, to bound that reaction's rate.
    public var lastLowerPriorityReaction: Duration?

    public init(
        advertisementDeadline: Duration, lowerPriorityMasterHeard: VRRPMasterHeard? = nil,
        lastLowerPriorityReaction: Duration? = nil
    ) {
        self.advertisementDeadline = advertisementDeadline
        self.lowerPriorityMasterHeard = lowerPriorityMasterHeard
        self.lastLowerPriorityReaction = lastLowerPriorityReaction
    }
}

/// An advert's sender as a backup (or a master in split brain) last heard it.
public struct VRRPMasterHeard: Sendable, Hashable {
    /// The sender's primary address (the source address of the advert).
    public var address: IPAddress
    /// The priority it advertised; 0 means it resigned.
    public var priority: UInt8
    /// When it was heard.
    public var heardAt: Duration
    /// True when a backup ignores it because it outranks it (Master_Down will fire: preemption).
    public var isPreempted: Bool

    public init(address: IPAddress, priority: UInt8, heardAt: Duration, isPreempted: Bool = false) {
        self.address = address
        self.priority = priority
        self.heardAt = heardAt
        self.isPreempted = isPreempted
    }
}

/// Why an instance is in FAULT.
public enum VRRPFaultCause: Sendable, Hashable {
    /// A tracked interface (or the instance's own) is down, or up with `weight 0 reverse`.
    case interface(String)
    /// A track_script with weight 0 failed (or succeeded, with reverse).
    case trackScript(String)
    /// A track_file with weight 0 holds a non-zero value, or its weighted value is below -253.
    case trackFile(String)
    /// Another member of the instance's sync group is in FAULT.
    case syncGroup

    /// The reason label of the transition into FAULT.
    public var transitionReason: VRRPTransitionReason {
        switch self {
        case .interface: .interfaceDown
        case .trackScript: .trackScript
        case .trackFile: .trackFile
        case .syncGroup: .syncGroup
        }
    }
}
