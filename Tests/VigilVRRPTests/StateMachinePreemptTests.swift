import Testing
import VigilCore
import VigilVRRP

@Suite("VRRP state machine: preempt, nopreempt, preempt_delay")
struct StateMachinePreemptTests {
    typealias F = StateMachineFixtures
    static let masterDown100 = Duration.microseconds(3_609_375)

    /// Feeds a lower-priority (50) advert every second from `first` to `last` seconds plus half,
    /// firing due timers in between; returns the time the backup became master, if it did.
    static func hearLowerMaster(_ machine: inout VRRPStateMachine, upTo last: Int, from first: Int = 0) -> (Duration, VRRPTransitionReason)? {
        var timers: [VRRPTimer: Duration] = [:]
        if case .backup(let backup) = machine.state {
            timers[.masterDown] = backup.masterDownDeadline
            if let deadline = backup.preemptDelayDeadline { timers[.preemptDelay] = deadline }
        }
        func apply(_ actions: [VRRPAction], _ now: Duration) -> (Duration, VRRPTransitionReason)? {
            var result: (Duration, VRRPTransitionReason)?
            for action in actions {
                if case .setTimer(let timer, let after) = action { timers[timer] = now + after }
                if case .cancelTimer(let timer) = action { timers[timer] = nil }
                if case .transition(let transition) = action, transition.to == .master { result = (now, transition.reason) }
            }
            return result
        }
        for second in first...last {
            let advertAt = Duration.seconds(second) + .milliseconds(500)
            while let (timer, at) = timers.min(by: { $0.value < $1.value }).map({ ($0.key, $0.value) }), at <= advertAt {
                timers[timer] = nil
                if let won = apply(machine.handle(.timerFired(timer), now: at), at) { return won }
            }
            if let won = apply(machine.handle(F.advert(50), now: advertAt), advertAt) { return won }
        }
        return nil
    }

    @Test("preempt: a lower-priority advert is ignored, so Master_Down expires and we take over")
    func preempt() {
        var machine = F.started(F.config(priority: 100))
        #expect(machine.handle(F.advert(50), now: .milliseconds(500)) == [])
        guard case .backup(let backup) = machine.state else {
            Issue.record("not backup")
            return
        }
        #expect(backup.masterHeard == VRRPMasterHeard(address: F.addressB, priority: 50, heardAt: .milliseconds(500), isPreempted: true))
        #expect(backup.masterDownDeadline == Self.masterDown100, "the ignored advert did not move Master_Down")
        let won = Self.hearLowerMaster(&machine, upTo: 10, from: 1)
        #expect(won?.0 == Self.masterDown100)
        #expect(won?.1 == .preempt)
    }

    @Test("nopreempt: adverts of any priority reset Master_Down, so a lower-priority master keeps the role")
    func nopreempt() {
        var machine = F.started(F.config(priority: 100, preempt: false))
        #expect(machine.handle(F.advert(50), now: .milliseconds(500)) == [.setTimer(.masterDown, after: Self.masterDown100)])
        #expect(Self.hearLowerMaster(&machine, upTo: 60) == nil)
        #expect(machine.state.name == .backup)
    }

    @Test("preempt_delay: after startup lower-priority adverts are obeyed until the delay ends, then preempted")
    func preemptDelay() {
        var machine = VRRPStateMachine(config: F.config(priority: 100, preemptDelay: .seconds(10)))
        #expect(machine.handle(.startup, now: .zero)
            == [.setTimer(.masterDown, after: Self.masterDown100), .setTimer(.preemptDelay, after: .seconds(10)),
                F.transition(.initialize, .backup, .startup)])
        let won = Self.hearLowerMaster(&machine, upTo: 30)
        // The last obeyed advert came at 9.5 s; the delay ended at 10 s; Master_Down followed.
        #expect(won?.0 == .milliseconds(9_500) + Self.masterDown100)
        #expect(won?.1 == .preempt)
    }

    @Test("preempt_delay never keeps an unowned VIP unowned: with no master at all, Master_Down still wins")
    func preemptDelayWithoutMaster() {
        var machine = F.started(F.config(priority: 100, preemptDelay: .seconds(300)))
        #expect(machine.handle(.timerFired(.masterDown), now: Self.masterDown100)
            == [.cancelTimer(.preemptDelay)] + F.becomingMaster(priority: 100) + [F.transition(.backup, .master, .masterDownTimer)])
    }

    @Test("preempt_delay is only armed when preempting is on")
    func preemptDelayNeedsPreempt() {
        var machine = VRRPStateMachine(config: F.config(priority: 100, preempt: false, preemptDelay: .seconds(10)))
        #expect(machine.handle(.startup, now: .zero) == [.setTimer(.masterDown, after: Self.masterDown100), F.transition(.initialize, .backup, .startup)])
    }

    @Test("preempt_delay starts again when FAULT ends")
    func preemptDelayAfterFault() {
        var machine = F.started(F.config(priority: 100, preemptDelay: .seconds(10)))
        _ = machine.handle(.interfaceDown("eth0"), now: .seconds(20))
        #expect(machine.handle(.interfaceUp("eth0"), now: .seconds(25))
            == [.setTimer(.masterDown, after: Self.masterDown100), .setTimer(.preemptDelay, after: .seconds(10)),
                F.transition(.fault, .backup, .interfaceUp)])
    }
}
