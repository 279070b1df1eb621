/// The state changes themselves: each returns its effects, then exactly one transition action.
extension VRRPStateMachine {
    /// RFC order, as keepalived does it on the wire: advert first, then the addresses, then GARPs.
    mutating func becomeMaster(reason: VRRPTransitionReason, now: Duration, firing: VRRPTimer? = nil) -> [VRRPAction] {
        let from = state.name
        var actions: [VRRPAction] = []
        if case .backup(let backup) = state {
            actions = Self.pendingBackupTimers(backup, except: firing).map { .cancelTimer($0) }
        }
        actions += [
            .sendAdvertisement(priority: effectivePriority),
            .addVirtualAddresses,
            .sendGratuitousARPBurst(.becameMaster),
            .setTimer(.advertisement, after: config.advertisementInterval),
        ]
        state = .master(VRRPMasterState(advertisementDeadline: now + config.advertisementInterval))
        actions.append(.transition(VRRPTransition(from: from, to: .master, reason: reason)))
        return actions
    }

    /// `opensPreemptDelay`: after startup and after FAULT, preempt_delay holds preemption back.
    mutating func becomeBackup(
        reason: VRRPTransitionReason, masterAdvertisementInterval: Duration, masterHeard: VRRPMasterHeard?,
        opensPreemptDelay: Bool, now: Duration
    ) -> [VRRPAction] {
        let from = state.name
        var actions: [VRRPAction] = []
        if case .master = state {
            actions = [.cancelTimer(.advertisement), .removeVirtualAddresses]
        }
        let masterDown = masterDownInterval(masterAdvertisementInterval)
        actions.append(.setTimer(.masterDown, after: masterDown))
        var preemptDelayDeadline: Duration?
        if opensPreemptDelay, config.preempt, config.preemptDelay > .zero {
            preemptDelayDeadline = now + config.preemptDelay
            actions.append(.setTimer(.preemptDelay, after: config.preemptDelay))
        }
        state = .backup(
            VRRPBackupState(
                masterHeard: masterHeard, masterAdvertisementInterval: masterAdvertisementInterval,
                masterDownDeadline: now + masterDown, preemptDelayDeadline: preemptDelayDeadline))
        actions.append(.transition(VRRPTransition(from: from, to: .backup, reason: reason)))
        return actions
    }

    /// A master resigns with priority 0 on its way to FAULT (as on shutdown), so the backup
    /// takes over after Skew_Time rather than Master_Down.
    mutating func enterFault(_ cause: VRRPFaultCause) -> [VRRPAction] {
        let from = state.name
        var actions: [VRRPAction] = []
        switch state {
        case .master:
            actions = [.cancelTimer(.advertisement), .sendAdvertisement(priority: 0), .removeVirtualAddresses]
        case .backup(let backup):
            actions = Self.pendingBackupTimers(backup, except: nil).map { .cancelTimer($0) }
        case .initialize, .fault, .stopped:
            break
        }
        state = .fault(cause)
        actions.append(.transition(VRRPTransition(from: from, to: .fault, reason: cause.transitionReason)))
        return actions
    }

    /// Leaving FAULT is a new start: the owner takes over, everyone else waits Master_Down.
    mutating func leaveFault(reason: VRRPTransitionReason, now: Duration) -> [VRRPAction] {
        if config.isAddressOwner { return becomeMaster(reason: reason, now: now) }
        return becomeBackup(
            reason: reason, masterAdvertisementInterval: config.advertisementInterval, masterHeard: nil,
            opensPreemptDelay: true, now: now)
    }

    /// The timers a backup has armed, minus the one whose firing is being handled.
    static func pendingBackupTimers(_ backup: VRRPBackupState, except firing: VRRPTimer?) -> [VRRPTimer] {
        var timers: [VRRPTimer] = [.masterDown]
        if backup.preemptDelayDeadline != nil { timers.append(.preemptDelay) }
        return timers.filter { $0 != firing }
    }
}
