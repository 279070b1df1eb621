/// Receiving an advert: RFC 5798 §6.4.2 (Backup) and §6.4.3 (Master).
extension VRRPStateMachine {
    mutating func receive(_ advert: VRRPHeardAdvertisement, now: Duration) -> [VRRPAction] {
        switch state {
        case .backup(let backup):
            return backupReceives(advert, backup: backup, now: now)
        case .master(let master):
            return masterReceives(advert, master: master, now: now)
        case .initialize, .fault, .stopped:
            return []
        }
    }

    private mutating func backupReceives(
        _ advert: VRRPHeardAdvertisement, backup: VRRPBackupState, now: Duration
    ) -> [VRRPAction] {
        var backup = backup
        let priority = effectivePriority
        var heard = VRRPMasterHeard(address: advert.senderAddress, priority: advert.priority, heardAt: now)
        if advert.priority == 0 {
            // The master resigned: take over after Skew_Time, so the highest backup wins the race.
            let skew = VRRPTiming.skewTime(priority: priority, masterAdvertisementInterval: backup.masterAdvertisementInterval)
            backup.masterHeard = heard
            backup.masterDownDeadline = now + skew
            state = .backup(backup)
            return [.setTimer(.masterDown, after: skew)]
        }
        let inPreemptDelay = backup.preemptDelayDeadline.map { now < $0 } ?? false
        guard !config.preempt || inPreemptDelay || advert.priority >= priority else {
            // A lower-priority master: let Master_Down expire and preempt it.
            heard.isPreempted = true
            backup.masterHeard = heard
            state = .backup(backup)
            return []
        }
        if config.learnsMasterAdvertisementInterval, advert.maxAdvertisementInterval > .zero {
            backup.masterAdvertisementInterval = VRRPTiming.clampedInterval(advert.maxAdvertisementInterval)
        }
        let masterDown = masterDownInterval(backup.masterAdvertisementInterval)
        backup.masterHeard = heard
        backup.masterDownDeadline = now + masterDown
        state = .backup(backup)
        return [.setTimer(.masterDown, after: masterDown)]
    }

    private mutating func masterReceives(
        _ advert: VRRPHeardAdvertisement, master: VRRPMasterState, now: Duration
    ) -> [VRRPAction] {
        var master = master
        let priority = effectivePriority
        if advert.priority == 0 {
            // Another router resigned: assert ourselves at once so nobody waits Skew_Time for nothing.
            master.advertisementDeadline = now + config.advertisementInterval
            state = .master(master)
            return [.sendAdvertisement(priority: priority), .setTimer(.advertisement, after: config.advertisementInterval)]
        }
        let heard = VRRPMasterHeard(address: advert.senderAddress, priority: advert.priority, heardAt: now)
        let outranked: VRRPTransitionReason? =
            if advert.priority > priority {
                .higherPriorityAdvert
            } else if advert.priority == priority && advert.senderAddress > config.primaryAddress {
                .equalPriorityHigherAddress
            } else {
                nil
            }
        if let reason = outranked {
            let interval =
                config.learnsMasterAdvertisementInterval && advert.maxAdvertisementInterval > .zero
                ? VRRPTiming.clampedInterval(advert.maxAdvertisementInterval) : config.advertisementInterval
            return becomeBackup(
                reason: reason, masterAdvertisementInterval: interval, masterHeard: heard,
                opensPreemptDelay: false, now: now)
        }
        // A lower priority: the other router is a master too (split brain), or starting up.
        // The Adver_Timer is never touched here, so no stream of such adverts can delay ours.
        master.lowerPriorityMasterHeard = heard
        var actions: [VRRPAction] = []
        let rested = master.lastLowerPriorityReaction.map { now - $0 >= lowerPriorityReactionSpacing } ?? true
        if config.reactsToLowerPriorityAdverts, rested {
            master.lastLowerPriorityReaction = now
            actions = [.sendAdvertisement(priority: priority), .sendGratuitousARPBurst(.lowerPriorityAdvert)]
        }
        state = .master(master)
        return actions
    }

    /// keepalived answers every lower-priority advert; we answer at most twice per
    /// Advertisement_Interval, so a flood of them cannot make us flood the link in turn.
    var lowerPriorityReactionSpacing: Duration { config.advertisementInterval / 2 }

    func masterDownInterval(_ masterAdvertisementInterval: Duration) -> Duration {
        VRRPTiming.masterDownInterval(
            priority: effectivePriority, masterAdvertisementInterval: masterAdvertisementInterval,
            downTimerAdverts: config.downTimerAdverts)
    }
}
