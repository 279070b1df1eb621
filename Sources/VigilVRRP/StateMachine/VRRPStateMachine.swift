/// One VRRP instance (RFC 5798 §6): `handle(_:now:)` is the only thing that changes it, and
/// everything it wants done (adverts, timers, addresses, transitions) comes back as actions.
///
/// `now` is a reading of a monotonic clock (time since any fixed origin); the machine never reads
/// a clock itself. A timer that fires before its deadline (a stale or early wake-up) is re-armed
/// for the rest, never acted on, so the runtime may deliver late cancellations harmlessly.
public struct VRRPStateMachine: Sendable {
    /// The instance's settings; only `reconfigure` replaces them.
    public internal(set) var config: VRRPInstanceConfig
    /// The current state and its data.
    public internal(set) var state: VRRPState = .initialize
    /// The last reported status of tracked objects.
    public internal(set) var tracking = VRRPTrackingStatus()

    public init(config: VRRPInstanceConfig) {
        self.config = config
    }

    /// The priority advertised now.
    public var effectivePriority: UInt8 { VRRPTracking.effectivePriority(config: config, status: tracking) }

    /// Every reason to be in FAULT now, including the sync group's.
    public var faultCauses: [VRRPFaultCause] { VRRPTracking.faultCauses(config: config, status: tracking) }

    /// The reasons of this instance's own (what a sync group propagates to the others).
    public var ownFaultCauses: [VRRPFaultCause] { faultCauses.filter { $0 != .syncGroup } }

    /// Applies one event and returns what the runtime must do, in order.
    public mutating func handle(_ event: VRRPEvent, now: Duration) -> [VRRPAction] {
        switch event {
        case .startup:
            return startup(now: now)
        case .shutdown:
            return shutdown()
        case .advertisementReceived(let advert):
            return receive(advert, now: now)
        case .timerFired(let timer):
            return timerFired(timer, now: now)
        case .interfaceDown(let name), .interfaceUp(let name):
            guard config.tracks(interface: name) else { return [] }
            let isUp = if case .interfaceUp = event { true } else { false }
            return trackingChanged(now: now, clearedReason: .interfaceUp) { $0.interfaces[name] = isUp }
        case .trackScriptResult(let name, let isUp):
            guard config.trackedScripts.contains(where: { $0.name == name }) else { return [] }
            return trackingChanged(now: now, clearedReason: .faultCleared) { $0.scripts[name] = isUp }
        case .trackFileValue(let name, let value):
            guard config.trackedFiles.contains(where: { $0.name == name }) else { return [] }
            return trackingChanged(now: now, clearedReason: .faultCleared) { $0.files[name] = value }
        case .syncGroup(let command):
            return syncGroup(command, now: now)
        }
    }

    // MARK: Startup and shutdown (RFC 5798 §6.4.1, and Shutdown in §6.4.2 and §6.4.3)

    private mutating func startup(now: Duration) -> [VRRPAction] {
        guard case .initialize = state else { return [] }
        if let cause = faultCauses.first {
            state = .fault(cause)
            return [.transition(VRRPTransition(from: .initialize, to: .fault, reason: cause.transitionReason))]
        }
        if config.isAddressOwner {
            return becomeMaster(reason: .addressOwner, now: now)
        }
        return becomeBackup(
            reason: .startup, masterAdvertisementInterval: config.advertisementInterval,
            masterHeard: nil, opensPreemptDelay: true, now: now)
    }

    private mutating func shutdown() -> [VRRPAction] {
        let from = state.name
        var actions: [VRRPAction] = []
        switch state {
        case .stopped:
            return []
        case .master:
            actions = [.cancelTimer(.advertisement), .sendAdvertisement(priority: 0), .removeVirtualAddresses]
        case .backup(let backup):
            actions = Self.pendingBackupTimers(backup, except: nil).map { .cancelTimer($0) }
        case .initialize, .fault:
            break
        }
        state = .stopped
        actions.append(.transition(VRRPTransition(from: from, to: .stopped, reason: .shutdown)))
        return actions
    }

    // MARK: Timers

    private mutating func timerFired(_ timer: VRRPTimer, now: Duration) -> [VRRPAction] {
        switch (timer, state) {
        case (.advertisement, .master(var master)):
            if now < master.advertisementDeadline {
                return [.setTimer(.advertisement, after: master.advertisementDeadline - now)]
            }
            master.advertisementDeadline = now + config.advertisementInterval
            state = .master(master)
            return [
                .sendAdvertisement(priority: effectivePriority), .setTimer(.advertisement, after: config.advertisementInterval),
            ]
        case (.masterDown, .backup(let backup)):
            if now < backup.masterDownDeadline {
                return [.setTimer(.masterDown, after: backup.masterDownDeadline - now)]
            }
            return becomeMaster(reason: Self.takeoverReason(backup.masterHeard), now: now, firing: .masterDown)
        case (.preemptDelay, .backup(var backup)):
            guard let deadline = backup.preemptDelayDeadline else { return [] }
            if now < deadline { return [.setTimer(.preemptDelay, after: deadline - now)] }
            backup.preemptDelayDeadline = nil
            state = .backup(backup)
            return []
        default:
            // A timer of a state we have left: its cancellation crossed its firing.
            return []
        }
    }

    private static func takeoverReason(_ heard: VRRPMasterHeard?) -> VRRPTransitionReason {
        guard let heard else { return .masterDownTimer }
        if heard.priority == 0 { return .priorityZeroReceived }
        return heard.isPreempted ? .preempt : .masterDownTimer
    }

    // MARK: Tracking

    mutating func trackingChanged(
        now: Duration, clearedReason: VRRPTransitionReason, _ update: (inout VRRPTrackingStatus) -> Void
    ) -> [VRRPAction] {
        if case .stopped = state { return [] }
        let priorityBefore = effectivePriority
        update(&tracking)
        let priorityAfter = effectivePriority
        var actions: [VRRPAction] = []
        if priorityAfter != priorityBefore {
            actions.append(.priorityChanged(from: priorityBefore, to: priorityAfter))
        }
        let causes = faultCauses
        switch state {
        case .initialize, .stopped:
            break
        case .backup, .master:
            if let cause = causes.first { actions += enterFault(cause) }
        case .fault:
            if let cause = causes.first {
                state = .fault(cause)
            } else {
                actions += leaveFault(reason: clearedReason, now: now)
            }
        }
        return actions
    }

    private mutating func syncGroup(_ command: VRRPSyncGroupCommand, now: Duration) -> [VRRPAction] {
        switch (command, state) {
        case (.becomeMaster, .backup):
            return becomeMaster(reason: .syncGroup, now: now)
        case (.becomeBackup, .master):
            return becomeBackup(
                reason: .syncGroup, masterAdvertisementInterval: config.advertisementInterval,
                masterHeard: nil, opensPreemptDelay: false, now: now)
        case (.fault(let active), _):
            guard tracking.syncGroupFault != active else { return [] }
            return trackingChanged(now: now, clearedReason: .syncGroup) { $0.syncGroupFault = active }
        default:
            return []
        }
    }
}
