/// A reload that keeps the instance: new settings under the running state, without a transition
/// unless the new settings themselves demand one (a new weight-0 track already failing).
extension VRRPStateMachine {
    /// Replaces the settings and keeps the state, its timers and the tracking already reported.
    ///
    /// The caller keeps VRID, interface and address family (changing those is a new instance). By
    /// RFC 5798 nothing is sent early: a master advertises its new priority at its next advert, and
    /// a backup whose priority now beats the master's preempts the way §6.4.2 has it, by ignoring
    /// the master's next lower-priority advert and letting Master_Down expire. A master whose
    /// priority fell keeps the role until a higher advert arrives (a preempting backup's, once
    /// that backup's Master_Down expires on the lower adverts).
    public mutating func reconfigure(_ newConfig: VRRPInstanceConfig, now: Duration) -> [VRRPAction] {
        let before = config
        if case .stopped = state {
            config = newConfig
            return []
        }
        var actions: [VRRPAction] = []
        var timingActions: [VRRPAction] = []
        switch state {
        case .master(var master) where newConfig.advertisementInterval != before.advertisementInterval:
            // A shorter interval takes effect now; a longer one after the advert already due.
            let deadline = min(master.advertisementDeadline, now + newConfig.advertisementInterval)
            if deadline != master.advertisementDeadline {
                master.advertisementDeadline = deadline
                state = .master(master)
                timingActions.append(.setTimer(.advertisement, after: max(deadline - now, .zero)))
            }
        case .backup(var backup):
            if !newConfig.learnsMasterAdvertisementInterval {
                // VRRPv2 backups use their own interval as Master_Adver_Interval.
                backup.masterAdvertisementInterval = newConfig.advertisementInterval
            }
            if backup.preemptDelayDeadline != nil, !newConfig.preempt || newConfig.preemptDelay == .zero {
                backup.preemptDelayDeadline = nil
                timingActions.append(.cancelTimer(.preemptDelay))
            }
            state = .backup(backup)
        default:
            break
        }
        // The tracking report stays; re-evaluating it under the new weights is a tracking change.
        let priorityBefore = effectivePriority
        config = newConfig
        let priorityAfter = effectivePriority
        actions += timingActions
        if priorityAfter != priorityBefore { actions.append(.priorityChanged(from: priorityBefore, to: priorityAfter)) }
        actions += trackingChanged(now: now, clearedReason: .faultCleared) { _ in }
        return actions
    }
}
