import Testing
import VigilCore
import VigilVRRP

@Suite("VRRP state machine: two routers on an in-memory wire")
struct StateMachineSimulationTests {
    typealias F = StateMachineFixtures
    /// h1 priority 100 and h2 priority 50, as in the keepalived baseline.
    static let h1 = F.config(priority: 100, address: F.addressA)
    static let h2 = F.config(priority: 50, address: F.addressB)
    static let masterDown100 = Duration.microseconds(3_609_375)
    static let masterDown50 = Duration.nanoseconds(3_804_687_500)
    static let skew50 = Duration.nanoseconds(804_687_500)

    static func elected() -> VRRPLab {
        var lab = VRRPLab([h1, h2])
        lab.startAll()
        lab.run(until: .seconds(10))
        return lab
    }

    @Test("startup: the higher priority is elected after its Master_Down; the other stays backup")
    func election() {
        let lab = Self.elected()
        #expect(lab.owners == [0])
        #expect(lab.becameMaster(0)?.at == Self.masterDown100)
        #expect(lab.becameMaster(0)?.reason == .masterDownTimer)
        #expect(lab.routers[1].transitions.map(\.transition.to) == [.backup])
        guard case .backup(let backup) = lab.routers[1].machine.state else {
            Issue.record("h2 not backup")
            return
        }
        #expect(backup.masterHeard?.address == F.addressA)
        #expect(backup.masterHeard?.priority == 100)
        // Adverts every second from the election on.
        #expect(lab.routers[0].advertsSent.map(\.at) == (0...6).map { Self.masterDown100 + .seconds($0) })
    }

    /// Equal priorities started together time out together: both become master before hearing
    /// the other (the wire takes 1 ms), and the tie-break settles it.
    @Test("startup with equal priorities: the higher primary address keeps the role", arguments: [false, true])
    func equalPriorityElection(reversed: Bool) {
        let low = F.config(priority: 100, address: F.addressA, strict: true)
        let high = F.config(priority: 100, address: F.addressB, strict: true)
        var lab = VRRPLab(reversed ? [high, low] : [low, high], linkDelay: .milliseconds(1))
        lab.startAll()
        lab.run(until: .seconds(10))
        let highIndex = reversed ? 0 : 1
        #expect(lab.owners == [highIndex])
        #expect(lab.becameMaster(1 - highIndex)?.at == Self.masterDown100, "both were master for a moment")
        #expect(lab.routers[1 - highIndex].transitions.last?.transition
            == VRRPTransition(from: .master, to: .backup, reason: .equalPriorityHigherAddress))
        #expect(lab.routers[1 - highIndex].transitions.last?.at == Self.masterDown100 + .milliseconds(1))
    }

    /// Without a delay the first to time out is heard before the other times out, and a backup
    /// obeys an equal priority whatever its address (RFC 5798 §6.4.2: greater than or equal).
    @Test("equal priorities on an instant wire: the first to time out keeps the role")
    func equalPriorityInstantWire() {
        var lab = VRRPLab([F.config(priority: 100, address: F.addressA), F.config(priority: 100, address: F.addressB)])
        lab.startAll()
        lab.run(until: .seconds(10))
        #expect(lab.owners == [0])
        #expect(lab.routers[1].transitions.map(\.transition.to) == [.backup])
    }

    @Test("kill -9 of the master: the backup takes over Master_Down after the last advert it heard")
    func killMaster() {
        var lab = Self.elected()
        let killedAt = Duration.milliseconds(10_200)
        lab.run(until: killedAt)
        lab.kill(0)
        lab.run(until: .seconds(20))
        #expect(lab.owners == [1])
        let lastHeard = lab.routers[0].advertsSent.last?.at ?? .zero
        #expect(lab.becameMaster(1)?.at == lastHeard + Self.masterDown50)
        #expect(lab.becameMaster(1)?.reason == .masterDownTimer)
        let failover = (lab.becameMaster(1)?.at ?? .zero) - killedAt
        #expect(failover > Self.masterDown50 - .seconds(1) && failover <= Self.masterDown50)
    }

    @Test("SIGTERM of the master: priority 0, and the backup takes over after its Skew_Time")
    func gracefulShutdown() {
        var lab = Self.elected()
        let stoppedAt = Duration.milliseconds(10_300)
        lab.run(until: stoppedAt)
        lab.shutdown(0)
        #expect(lab.routers[0].advertsSent.last.map { ($0.at, $0.priority) } ?? (.zero, 1) == (stoppedAt, 0))
        #expect(lab.routers[0].ownsVirtualAddresses == false)
        #expect(lab.state(0) == .stopped)
        lab.run(until: .seconds(20))
        #expect(lab.owners == [1])
        #expect(lab.becameMaster(1)?.at == stoppedAt + Self.skew50)
        #expect(lab.becameMaster(1)?.reason == .priorityZeroReceived)
    }

    @Test("the master returns and preempts after its Master_Down; exactly one owner at every step")
    func masterReturns() {
        var lab = Self.elected()
        lab.kill(0)
        lab.run(until: .seconds(20))
        let restartedAt = Duration.seconds(20)
        lab.restart(0)
        var now = restartedAt
        while now < .seconds(40) {
            now += .milliseconds(50)
            lab.run(until: now)
            #expect(lab.owners.count == 1, "at \(now)")
        }
        #expect(lab.owners == [0])
        #expect(lab.becameMaster(0)?.at == restartedAt + Self.masterDown100)
        #expect(lab.becameMaster(0)?.reason == .preempt)
        #expect(lab.routers[1].transitions.last?.transition == VRRPTransition(from: .master, to: .backup, reason: .higherPriorityAdvert))
        #expect(lab.routers[1].transitions.last?.at == restartedAt + Self.masterDown100)
    }

    @Test("nopreempt is honoured: the returning higher priority stays backup")
    func nopreemptHonoured() {
        var lab = VRRPLab([F.config(priority: 100, preempt: false, address: F.addressA), Self.h2])
        lab.startAll()
        lab.run(until: .seconds(10))
        #expect(lab.owners == [0], "with nobody else master, nopreempt still takes the role")
        lab.kill(0)
        lab.run(until: .seconds(20))
        lab.restart(0)
        lab.run(until: .seconds(80))
        #expect(lab.owners == [1])
        #expect(lab.state(0) == .backup)
        #expect(lab.routers[0].transitions.map(\.transition.to) == [.backup])
    }

    @Test("preempt_delay holds the returning master back by the delay")
    func preemptDelayInLab() {
        var lab = VRRPLab([F.config(priority: 100, preemptDelay: .seconds(5), address: F.addressA), Self.h2])
        lab.startAll()
        lab.run(until: .seconds(10))
        lab.kill(0)
        lab.run(until: .seconds(20))
        lab.restart(0)
        lab.run(until: .seconds(40))
        #expect(lab.owners == [0])
        let takeover = (lab.becameMaster(0)?.at ?? .zero) - .seconds(20)
        #expect(takeover > .seconds(5) + Self.masterDown100 - .seconds(1) && takeover <= .seconds(5) + Self.masterDown100)
    }

    @Test("the address owner takes the role at once, and a returning owner preempts at once")
    func addressOwner() {
        var lab = VRRPLab([F.config(priority: 255, address: F.addressA), Self.h2])
        lab.startAll()
        #expect(lab.owners == [0])
        #expect(lab.becameMaster(0)?.at == .zero)
        lab.kill(0)
        lab.run(until: .seconds(10))
        #expect(lab.owners == [1])
        lab.restart(0)
        #expect(lab.owners == [0], "the owner's first advert makes the other step down")
        #expect(lab.state(1) == .backup)
    }
}
