import Testing
import VigilCore
import VigilVRRP

@Suite("VRRP state machine: track_interface, track_script, track_file")
struct StateMachineTrackingTests {
    typealias F = StateMachineFixtures

    enum Report: Sendable, CustomStringConvertible {
        case script(Bool)
        case file(Int)
        case interface(Bool)
        var description: String {
            switch self {
            case .script(let up): "script \(up ? "up" : "down")"
            case .file(let value): "file \(value)"
            case .interface(let up): "eth1 \(up ? "up" : "down")"
            }
        }
    }

    static func machine(priority: UInt8, weight: Int, reverse: Bool, report: Report) -> VRRPStateMachine {
        let track = VRRPTrack(name: report.isInterface ? "eth1" : "t", weight: weight, reverse: reverse)
        var machine = VRRPStateMachine(config: F.config(
            priority: priority, interfaces: report.isInterface ? [track] : [], scripts: [track], files: [track]))
        switch report {
        case .script(let up): _ = machine.handle(.trackScriptResult(name: "t", isUp: up), now: .zero)
        case .file(let value): _ = machine.handle(.trackFileValue(name: "t", value: value), now: .zero)
        case .interface(let up): _ = machine.handle(up ? .interfaceUp("eth1") : .interfaceDown("eth1"), now: .zero)
        }
        return machine
    }

    @Test("effective priority from weights (keepalived.conf(5) rules)", arguments: [
        (UInt8(100), 20, false, Report.script(true), UInt8(120)),
        (100, 20, false, .script(false), 100),
        (100, -30, false, .script(false), 70),
        (100, -30, false, .script(true), 100),
        (100, 20, true, .script(true), 80),
        (100, -30, true, .script(false), 130),
        (100, 10, false, .interface(true), 110),
        (100, -10, false, .interface(false), 90),
        (100, 10, false, .file(3), 130),
        (100, 10, true, .file(3), 70),
        (100, 1, false, .file(-99), 1),
        (200, 100, false, .script(true), 254),
        (20, -100, false, .script(false), 1),
        (100, 1, false, .file(253), 254),
        (255, -100, false, .script(false), 255),
        (255, 10, false, .file(-5), 255),
    ])
    func weights(priority: UInt8, weight: Int, reverse: Bool, report: Report, expected: UInt8) {
        let machine = Self.machine(priority: priority, weight: weight, reverse: reverse, report: report)
        #expect(machine.effectivePriority == expected)
        #expect(machine.faultCauses == [])
    }

    @Test("weight 0 (or a file beyond -253) means FAULT", arguments: [
        (0, false, Report.script(false), true),
        (0, false, .script(true), false),
        (0, true, .script(true), true),
        (0, false, .file(1), true),
        (0, false, .file(0), false),
        (0, true, .file(0), true),
        (100, false, .file(-3), true),
        (1, false, .file(-253), false),
        (1, false, .file(Int.min), true),
        (0, false, .interface(false), true),
        (0, true, .interface(true), true),
    ])
    func faults(weight: Int, reverse: Bool, report: Report, isFault: Bool) {
        let machine = Self.machine(priority: 100, weight: weight, reverse: reverse, report: report)
        #expect(!machine.faultCauses.isEmpty == isFault)
    }

    @Test("nothing reported yet counts for nothing")
    func unknownStatus() {
        let machine = VRRPStateMachine(config: F.config(priority: 100, scripts: [VRRPTrack(name: "t", weight: -50)], files: [VRRPTrack(name: "f")]))
        #expect(machine.effectivePriority == 100)
        #expect(machine.faultCauses == [])
    }

    @Test("a weight change is reported and carried by the next advert, without a transition")
    func advertisedPriority() {
        var (machine, now) = F.master(F.config(priority: 100, scripts: [VRRPTrack(name: "chk", weight: -60)]))
        #expect(machine.handle(.trackScriptResult(name: "chk", isUp: false), now: now) == [.priorityChanged(from: 100, to: 40)])
        #expect(machine.handle(.timerFired(.advertisement), now: now + .seconds(1))
            == [.sendAdvertisement(priority: 40), .setTimer(.advertisement, after: .seconds(1))])
        #expect(machine.handle(.trackScriptResult(name: "chk", isUp: false), now: now) == [], "no change, no action")
        #expect(machine.handle(.trackScriptResult(name: "other", isUp: false), now: now) == [], "not tracked")
    }

    @Test("a backup's Skew_Time follows its effective priority")
    func skewFollowsPriority() {
        var machine = F.started(F.config(priority: 100, scripts: [VRRPTrack(name: "chk", weight: -50)]))
        _ = machine.handle(.trackScriptResult(name: "chk", isUp: false), now: .seconds(1))
        #expect(machine.handle(F.advert(0, from: F.addressB), now: .seconds(2)) == [.setTimer(.masterDown, after: .nanoseconds(804_687_500))])
    }

    @Test("interface down: a master resigns with priority 0 and goes to FAULT; back up, it waits as backup")
    func interfaceFault() {
        var (machine, now) = F.master(F.config(priority: 100))
        #expect(machine.handle(.interfaceDown("eth0"), now: now)
            == [.cancelTimer(.advertisement), .sendAdvertisement(priority: 0), .removeVirtualAddresses,
                F.transition(.master, .fault, .interfaceDown)])
        #expect(machine.state == .fault(.interface("eth0")))
        #expect(machine.handle(F.advert(50), now: now) == [], "FAULT ignores adverts")
        #expect(machine.handle(.timerFired(.masterDown), now: now + .seconds(9)) == [])
        #expect(machine.handle(.interfaceUp("eth0"), now: now + .seconds(10))
            == [.setTimer(.masterDown, after: .microseconds(3_609_375)), F.transition(.fault, .backup, .interfaceUp)])
    }

    @Test("interface down at a backup cancels Master_Down")
    func backupInterfaceFault() {
        var machine = F.started(F.config(priority: 100))
        #expect(machine.handle(.interfaceDown("eth0"), now: .seconds(1)) == [.cancelTimer(.masterDown), F.transition(.backup, .fault, .interfaceDown)])
    }

    @Test("dont_track_primary, an untracked interface, or a weighted one: no FAULT")
    func interfacesWithoutFault() {
        var untracked = F.started(F.config(priority: 100, tracksInterface: false))
        #expect(untracked.handle(.interfaceDown("eth0"), now: .seconds(1)) == [])
        #expect(untracked.handle(.interfaceDown("eth9"), now: .seconds(1)) == [])
        var weighted = F.started(F.config(priority: 100, interfaces: [VRRPTrack(name: "eth1", weight: -20)]))
        #expect(weighted.handle(.interfaceDown("eth1"), now: .seconds(1)) == [.priorityChanged(from: 100, to: 80)])
        #expect(weighted.state.name == .backup)
        var listed = F.started(F.config(priority: 100, tracksInterface: false, interfaces: [VRRPTrack(name: "eth0")]))
        #expect(F.transitions(listed.handle(.interfaceDown("eth0"), now: .seconds(1))).map(\.to) == [.fault])
    }

    @Test("a weight-0 script or file: FAULT with its reason, cleared only when every cause is gone")
    func scriptAndFileFaults() {
        var machine = F.started(F.config(priority: 100, scripts: [VRRPTrack(name: "chk")], files: [VRRPTrack(name: "maint")]))
        #expect(F.transitions(machine.handle(.trackScriptResult(name: "chk", isUp: false), now: .seconds(1)))
            == [VRRPTransition(from: .backup, to: .fault, reason: .trackScript)])
        #expect(machine.handle(.trackFileValue(name: "maint", value: 1), now: .seconds(2)) == [])
        #expect(machine.faultCauses == [.trackScript("chk"), .trackFile("maint")])
        #expect(machine.handle(.trackScriptResult(name: "chk", isUp: true), now: .seconds(3)) == [])
        #expect(machine.state == .fault(.trackFile("maint")), "still faulty, now for the file")
        #expect(machine.handle(.trackFileValue(name: "maint", value: 0), now: .seconds(4))
            == [.setTimer(.masterDown, after: .microseconds(3_609_375)), F.transition(.fault, .backup, .faultCleared)])
    }

    @Test("a fault reported before startup puts the instance straight into FAULT")
    func faultAtStartup() {
        var machine = VRRPStateMachine(config: F.config(priority: 100))
        #expect(machine.handle(.interfaceDown("eth0"), now: .zero) == [])
        #expect(machine.state == .initialize)
        #expect(machine.handle(.startup, now: .zero) == [F.transition(.initialize, .fault, .interfaceDown)])
    }

    @Test("the address owner leaving FAULT is master at once")
    func ownerLeavesFault() {
        var machine = F.started(F.config(priority: 255))
        _ = machine.handle(.interfaceDown("eth0"), now: .seconds(1))
        #expect(machine.handle(.interfaceUp("eth0"), now: .seconds(2))
            == F.becomingMaster(priority: 255) + [F.transition(.fault, .master, .interfaceUp)])
    }

    @Test("weights cause a switchover through preemption, and back")
    func switchoverByWeight() {
        var lab = VRRPLab([
            F.config(priority: 100, address: F.addressA, scripts: [VRRPTrack(name: "chk", weight: -60)]),
            F.config(priority: 90, address: F.addressB),
        ])
        lab.startAll()
        lab.run(until: .seconds(10))
        #expect(lab.owners == [0])
        lab.deliver(.trackScriptResult(name: "chk", isUp: false), to: 0)  // A now advertises 40
        lab.run(until: .seconds(20))
        #expect(lab.owners == [1])
        #expect(lab.becameMaster(1)?.reason == .preempt)
        #expect(lab.routers[0].transitions.last?.transition == VRRPTransition(from: .master, to: .backup, reason: .higherPriorityAdvert))
        lab.deliver(.trackScriptResult(name: "chk", isUp: true), to: 0)
        lab.run(until: .seconds(30))
        #expect(lab.owners == [0])
        #expect(lab.becameMaster(0)?.reason == .preempt)
    }
}

extension StateMachineTrackingTests.Report {
    var isInterface: Bool { if case .interface = self { true } else { false } }
}
