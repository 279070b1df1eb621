import Testing
import VigilCore
import VigilVRRP

@Suite("VRRP state machine: sync groups")
struct StateMachineSyncGroupTests {
    typealias F = StateMachineFixtures

    /// Members that handle events and apply the group's directives, the way the runtime will.
    struct Group {
        var group = VRRPSyncGroupCoordinator(name: "G1", members: ["VI_1", "VI_2", "VI_3"])
        var machines: [VRRPStateMachine]
        var log: [(String, VRRPTransition)] = []

        init(count: Int = 2) {
            machines = (1...count).map { F.started(F.config(name: "VI_\($0)", priority: 100)) }
        }

        func state(_ name: String) -> VRRPState? { machines.first { $0.config.name == name }?.state }

        mutating func handle(_ event: VRRPEvent, by name: String, now: Duration) {
            var pending: [(String, VRRPEvent)] = [(name, event)]
            var rounds = 0
            while let (target, next) = pending.first, rounds < 100 {
                pending.removeFirst()
                rounds += 1
                guard let index = machines.firstIndex(where: { $0.config.name == target }) else { continue }
                let transition = F.transitions(machines[index].handle(next, now: now)).first
                if let transition { log.append((target, transition)) }
                pending += group.directives(after: transition, of: target, machines: machines).map { ($0.instance, $0.event) }
            }
            #expect(rounds < 100, "the group settles")
        }
    }

    @Test("one member becoming master takes the others with it, once")
    func masterFollows() {
        var group = Group(count: 3)
        group.handle(.timerFired(.masterDown), by: "VI_1", now: .microseconds(3_609_375))
        #expect(group.machines.map(\.state.name) == [.master, .master, .master])
        #expect(group.log.map(\.1.reason) == [.masterDownTimer, .syncGroup, .syncGroup])
        #expect(group.log.map(\.0) == ["VI_1", "VI_2", "VI_3"])
    }

    @Test("one master stepping down to backup takes the others with it")
    func backupFollows() {
        var group = Group()
        group.handle(.timerFired(.masterDown), by: "VI_1", now: .microseconds(3_609_375))
        group.handle(F.advert(200), by: "VI_2", now: .seconds(5))
        #expect(group.machines.map(\.state.name) == [.backup, .backup])
        #expect(group.log.suffix(2).map(\.1) == [
            VRRPTransition(from: .master, to: .backup, reason: .higherPriorityAdvert),
            VRRPTransition(from: .master, to: .backup, reason: .syncGroup),
        ])
    }

    @Test("one member in FAULT holds every member in FAULT until it recovers")
    func faultFollows() {
        var group = Group()
        group.handle(.timerFired(.masterDown), by: "VI_1", now: .microseconds(3_609_375))
        group.handle(.interfaceDown("eth0"), by: "VI_2", now: .seconds(5))
        #expect(group.state("VI_1") == .fault(.syncGroup))
        #expect(group.state("VI_2") == .fault(.interface("eth0")))
        // A member held by the group is not pulled to master by anything else.
        group.handle(.interfaceUp("eth0"), by: "VI_2", now: .seconds(6))
        #expect(group.machines.map(\.state.name) == [.backup, .backup])
        #expect(group.log.suffix(2).map(\.1) == [
            VRRPTransition(from: .fault, to: .backup, reason: .interfaceUp),
            VRRPTransition(from: .fault, to: .backup, reason: .syncGroup),
        ])
    }

    @Test("a member faulty on its own stays faulty when another recovers")
    func ownFaultStays() {
        var group = Group()
        group.handle(.interfaceDown("eth0"), by: "VI_1", now: .seconds(1))
        group.handle(.interfaceDown("eth0"), by: "VI_2", now: .seconds(2))
        group.handle(.interfaceUp("eth0"), by: "VI_1", now: .seconds(3))
        #expect(group.state("VI_1") == .fault(.syncGroup), "held: VI_2 is still down")
        #expect(group.state("VI_2") == .fault(.interface("eth0")))
        group.handle(.interfaceUp("eth0"), by: "VI_2", now: .seconds(4))
        #expect(group.machines.map(\.state.name) == [.backup, .backup])
    }

    @Test("instances outside the group and stopped members are left alone")
    func outsiders() {
        let group = VRRPSyncGroupCoordinator(name: "G2", members: ["VI_1", "VI_2"])
        var outsider = F.started(F.config(name: "VI_9"))
        var faulty = F.started(F.config(name: "VI_1"))
        _ = faulty.handle(.interfaceDown("eth0"), now: .seconds(1))
        var stopped = F.started(F.config(name: "VI_2"))
        _ = stopped.handle(.shutdown, now: .seconds(1))
        #expect(group.directives(after: nil, of: "VI_1", machines: [faulty, outsider, stopped]) == [])
        _ = outsider.handle(.timerFired(.masterDown), now: .seconds(4))
        #expect(group.directives(after: VRRPTransition(from: .backup, to: .master, reason: .masterDownTimer), of: "VI_9",
                                 machines: [faulty, outsider, stopped]) == [])
    }
}
