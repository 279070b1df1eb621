import Testing
import VigilCore
import VigilVRRP

@Suite("VRRP state machine: reconfigure on reload")
struct StateMachineReconfigureTests {
    typealias F = StateMachineFixtures

    @Test("the same settings: no action, the state and its deadlines untouched")
    func unchanged() {
        var (machine, now) = F.master(F.config(priority: 100))
        let before = machine.state
        #expect(machine.reconfigure(F.config(priority: 100), now: now + .milliseconds(300)) == [])
        #expect(machine.state == before)
        var backup = F.started(F.config(priority: 90))
        let backupBefore = backup.state
        #expect(backup.reconfigure(F.config(priority: 90), now: .milliseconds(500)) == [])
        #expect(backup.state == backupBefore)
    }

    @Test("a master takes a new priority without a transition and advertises it at its next advert")
    func masterPriority() {
        var (machine, now) = F.master(F.config(priority: 100))
        let actions = machine.reconfigure(F.config(priority: 150), now: now + .milliseconds(300))
        #expect(actions == [.priorityChanged(from: 100, to: 150)])
        #expect(machine.state.name == .master)
        #expect(F.transitions(actions).isEmpty)
        let advert = machine.handle(.timerFired(.advertisement), now: now + .seconds(1))
        #expect(advert.first == .sendAdvertisement(priority: 150))
    }

    @Test("tracking reports are kept and the weights of the new settings apply to them")
    func weights() {
        let script = VRRPTrack(name: "chk", weight: 20)
        var machine = F.started(F.config(priority: 100, scripts: [script]))
        _ = machine.handle(.trackScriptResult(name: "chk", isUp: true), now: .zero)
        #expect(machine.effectivePriority == 120)
        let actions = machine.reconfigure(F.config(priority: 90, scripts: [VRRPTrack(name: "chk", weight: 30)]), now: .milliseconds(10))
        #expect(actions.isEmpty, "90 + 30 is the 100 + 20 it had")
        #expect(machine.effectivePriority == 120)
        #expect(machine.tracking.scripts["chk"] == true)
        let lower = machine.reconfigure(F.config(priority: 90, scripts: [VRRPTrack(name: "chk", weight: 10)]), now: .milliseconds(20))
        #expect(lower == [.priorityChanged(from: 120, to: 100)])
        #expect(machine.state.name == .backup)
    }

    @Test("a weight-0 track already reported down puts the instance in FAULT (a master resigns)")
    func newFault() {
        let soft = VRRPTrack(name: "chk", weight: -10)
        var (machine, now) = F.master(F.config(priority: 100, scripts: [soft]))
        _ = machine.handle(.trackScriptResult(name: "chk", isUp: false), now: now)
        #expect(machine.state.name == .master)
        let actions = machine.reconfigure(F.config(priority: 100, scripts: [VRRPTrack(name: "chk", weight: 0)]), now: now)
        #expect(actions.contains(.sendAdvertisement(priority: 0)))
        #expect(actions.contains(.removeVirtualAddresses))
        #expect(F.transitions(actions) == [VRRPTransition(from: .master, to: .fault, reason: .trackScript)])
    }

    @Test("a shorter advert interval takes effect at once on a master")
    func interval() {
        var (machine, now) = F.master(F.config(priority: 100, interval: .seconds(1)))
        let actions = machine.reconfigure(F.config(priority: 100, interval: .milliseconds(200)), now: now + .milliseconds(100))
        #expect(actions == [.setTimer(.advertisement, after: .milliseconds(200))])
        #expect(machine.handle(.timerFired(.advertisement), now: now + .milliseconds(300)).first == .sendAdvertisement(priority: 100))
    }

    @Test("a backup raised above the master preempts by Master_Down on its lower adverts (RFC 5798 §6.4.2)")
    func backupRaised() {
        var lab = VRRPLab([F.config(priority: 100, address: F.addressA), F.config(priority: 90, address: F.addressB)])
        lab.start(0)
        lab.run(until: .seconds(5))
        lab.start(1)
        lab.run(until: .seconds(10))
        #expect(lab.state(0) == .master && lab.state(1) == .backup)
        let actions = lab.routers[1].machine.reconfigure(F.config(priority: 150, address: F.addressB), now: lab.now)
        #expect(actions == [.priorityChanged(from: 90, to: 150)])
        lab.run(until: lab.now + .seconds(5))
        #expect(lab.state(1) == .master && lab.state(0) == .backup)
        #expect(lab.becameMaster(1)?.reason == .preempt)
        #expect(lab.owners == [1])
    }

    @Test("a master lowered below a preempting backup loses the role once the backup hears its lower adverts")
    func masterLowered() {
        var lab = VRRPLab([F.config(priority: 100, address: F.addressA), F.config(priority: 90, address: F.addressB)])
        lab.start(0)
        lab.run(until: .seconds(5))
        lab.start(1)
        lab.run(until: .seconds(10))
        let changedAt = lab.now
        #expect(lab.routers[0].machine.reconfigure(F.config(priority: 50, address: F.addressA), now: lab.now) == [.priorityChanged(from: 100, to: 50)])
        #expect(lab.state(0) == .master)
        lab.run(until: lab.now + .seconds(6))
        #expect(lab.state(1) == .master && lab.state(0) == .backup)
        let took = (lab.becameMaster(1)?.at ?? .zero) - changedAt
        // Master_Down for priority 90 at 1 s: 3 s + skew (0.65 s), counted from the last higher advert.
        #expect(took <= .seconds(5), "took \(took)")
        #expect(lab.owners == [1])
    }

    @Test("a stopped machine takes the settings silently")
    func stopped() {
        var machine = F.started(F.config(priority: 100))
        _ = machine.handle(.shutdown, now: .zero)
        #expect(machine.reconfigure(F.config(priority: 200), now: .seconds(1)) == [])
        #expect(machine.config.priority == 200)
    }
}
