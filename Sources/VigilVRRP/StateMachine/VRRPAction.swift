/// What the runtime must do, in order, after an event. The state has already changed.
public enum VRRPAction: Sendable, Hashable {
    /// Send an advert with this priority (0 when resigning); the runtime fills in the rest.
    case sendAdvertisement(priority: UInt8)
    /// (Re)arm a timer: it replaces any pending timer of the same kind.
    case setTimer(VRRPTimer, after: Duration)
    /// Disarm a pending timer.
    case cancelTimer(VRRPTimer)
    /// Add the virtual addresses (and excluded addresses, routes, rules).
    case addVirtualAddresses
    /// Remove them.
    case removeVirtualAddresses
    /// Gratuitous ARPs / unsolicited NAs for the VIPs; the runtime applies the repeat and delay
    /// settings that belong to the cause (garp_master_* or garp_lower_prio_*).
    case sendGratuitousARPBurst(VRRPGratuitousARPCause)
    /// The effective priority changed (tracking); the next advert carries the new one.
    case priorityChanged(from: UInt8, to: UInt8)
    /// Exactly one per state change, and the last action of its batch, after the effects it reports.
    case transition(VRRPTransition)
}

/// The timers an instance asks the runtime to keep.
public enum VRRPTimer: String, Sendable, Hashable, CaseIterable {
    /// Adver_Timer: a master's next advert.
    case advertisement
    /// Master_Down_Timer: a backup's patience.
    case masterDown = "master_down"
    /// The end of the preempt_delay window.
    case preemptDelay = "preempt_delay"
}

/// Why gratuitous ARPs are sent, which selects the repeat and delay settings.
public enum VRRPGratuitousARPCause: String, Sendable, Hashable, CaseIterable {
    /// We just became master (garp_master_delay / garp_master_repeat).
    case becameMaster = "became_master"
    /// We are master and heard a lower priority (garp_lower_prio_delay / garp_lower_prio_repeat).
    case lowerPriorityAdvert = "lower_priority_advert"
}

/// One state change, as metrics, logs, notify scripts and mail see it.
public struct VRRPTransition: Sendable, Hashable {
    public var from: VRRPStateName
    public var to: VRRPStateName
    public var reason: VRRPTransitionReason

    public init(from: VRRPStateName, to: VRRPStateName, reason: VRRPTransitionReason) {
        self.from = from
        self.to = to
        self.reason = reason
    }
}
