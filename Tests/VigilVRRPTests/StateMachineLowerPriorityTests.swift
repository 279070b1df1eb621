import Testing
import VigilCore
import VigilVRRP

@Suite("VRRP state machine: lower-priority adverts at the master (keepalived's reaction, vrrp_strict, quirk 1)")
struct StateMachineLowerPriorityTests {
    typealias F = StateMachineFixtures

    @Test("by default a master answers a lower-priority advert with an advert and a GARP burst, at a bounded rate")
    func reaction() {
        var (machine, now) = F.master(F.config(priority: 100))
        let answer: [VRRPAction] = [.sendAdvertisement(priority: 100), .sendGratuitousARPBurst(.lowerPriorityAdvert)]
        #expect(machine.handle(F.advert(50), now: now + .milliseconds(100)) == answer)
        #expect(machine.handle(F.advert(50), now: now + .milliseconds(200)) == [], "within half an interval: no second answer")
        #expect(machine.handle(F.advert(50), now: now + .milliseconds(600)) == answer)
        guard case .master(let master) = machine.state else {
            Issue.record("not master")
            return
        }
        #expect(master.lowerPriorityMasterHeard?.address == F.addressB, "the split brain is visible")
        #expect(master.advertisementDeadline == now + .seconds(1), "the Adver_Timer did not move")
    }

    @Test("equal priority from a lower address counts as lower")
    func equalLowerAddress() {
        var (machine, now) = F.master(F.config(priority: 100, address: F.addressC))
        #expect(machine.handle(F.advert(100, from: F.addressA), now: now) == [.sendAdvertisement(priority: 100), .sendGratuitousARPBurst(.lowerPriorityAdvert)])
    }

    @Test("vrrp_strict or lower_prio_no_advert: the RFC behaviour, the advert is discarded", arguments: [(true, true), (false, false), (true, false)])
    func noReaction(strict: Bool, reaction: Bool) {
        var (machine, now) = F.master(F.config(priority: 100, strict: strict, reaction: reaction))
        #expect(machine.handle(F.advert(50), now: now) == [])
        #expect(machine.state.name == .master)
    }

    /// keepalived quirk 1 turned into a requirement: a stream of same-VRID adverts that lose
    /// to us (invalid ones never reach the machine at all) cannot delay our own adverts.
    @Test("a master hearing lower-priority adverts every 100 ms still advertises every interval", arguments: [true, false])
    func lowerPriorityFlood(strict: Bool) {
        var (machine, start) = F.master(F.config(priority: 100, strict: strict))
        var timerDeadline = start + .seconds(1)
        var periodic: [Duration] = []
        var extra = 0
        var now = start
        let end = start + .seconds(10)
        while now < end {
            let nextAdvert = now + .milliseconds(100)
            if timerDeadline <= nextAdvert {
                now = timerDeadline
                for action in machine.handle(.timerFired(.advertisement), now: now) {
                    if case .sendAdvertisement = action { periodic.append(now) }
                    if case .setTimer(.advertisement, let after) = action { timerDeadline = now + after }
                }
            }
            now = nextAdvert
            for action in machine.handle(F.advert(50, from: F.addressC), now: now) {
                switch action {
                case .setTimer(.advertisement, _), .cancelTimer(.advertisement):
                    Issue.record("a foreign advert touched the Adver_Timer")
                case .sendAdvertisement: extra += 1
                case .transition: Issue.record("a foreign lower-priority advert changed the state")
                default: break
                }
            }
        }
        #expect(periodic == (1...10).map { start + .seconds($0) })
        #expect(machine.state.name == .master)
        if strict {
            #expect(extra == 0)
        } else {
            #expect(extra <= 20, "at most two answers per interval, not one per foreign advert")
            #expect(extra >= 10)
        }
    }
}
