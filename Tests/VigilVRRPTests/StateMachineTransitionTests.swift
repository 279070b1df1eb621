import Testing
import VigilCore
import VigilVRRP

@Suite("VRRP state machine: RFC 5798 §6.4 transitions")
struct StateMachineTransitionTests {
    typealias F = StateMachineFixtures
    static let masterDown100 = Duration.microseconds(3_609_375)

    // MARK: §6.4.1 Initialize

    @Test("startup: a backup waits Master_Down, even with state MASTER (as keepalived 2.2.7)", arguments: VRRPConfiguredState.allCases)
    func startupAsBackup(configured: VRRPConfiguredState) {
        var machine = VRRPStateMachine(config: F.config(priority: 100, state: configured))
        #expect(machine.state == .initialize)
        #expect(machine.handle(.startup, now: .zero)
            == [.setTimer(.masterDown, after: Self.masterDown100), F.transition(.initialize, .backup, .startup)])
        #expect(machine.state.name == .backup)
    }

    @Test("startup: the address owner (255) is master at once")
    func startupOwner() {
        var machine = VRRPStateMachine(config: F.config(priority: 255))
        #expect(machine.handle(.startup, now: .zero)
            == F.becomingMaster(priority: 255) + [F.transition(.initialize, .master, .addressOwner)])
        guard case .master(let master) = machine.state else {
            Issue.record("not master")
            return
        }
        #expect(master.advertisementDeadline == .seconds(1))
    }

    @Test("nothing but startup, shutdown and tracking moves Initialize")
    func initializeIgnores() {
        var machine = VRRPStateMachine(config: F.config())
        #expect(machine.handle(F.advert(200), now: .zero) == [])
        #expect(machine.handle(F.advert(0), now: .zero) == [])
        for timer in VRRPTimer.allCases { #expect(machine.handle(.timerFired(timer), now: .seconds(9)) == []) }
        #expect(machine.state == .initialize)
        _ = machine.handle(.startup, now: .zero)
        #expect(machine.handle(.startup, now: .seconds(1)) == [], "a second startup is ignored")
    }

    // MARK: §6.4.2 Backup

    @Test("backup: Master_Down expiry makes it master, advert first, then VIPs, then GARPs")
    func masterDownFires() {
        var machine = F.started(F.config(priority: 100))
        #expect(machine.handle(.timerFired(.masterDown), now: Self.masterDown100)
            == F.becomingMaster(priority: 100) + [F.transition(.backup, .master, .masterDownTimer)])
    }

    @Test("backup: an advert of higher or equal priority resets Master_Down", arguments: [UInt8(100), 150, 255])
    func backupResets(priority: UInt8) {
        var machine = F.started(F.config(priority: 100))
        #expect(machine.handle(F.advert(priority, from: F.addressC), now: .seconds(3)) == [.setTimer(.masterDown, after: Self.masterDown100)])
        guard case .backup(let backup) = machine.state else {
            Issue.record("not backup")
            return
        }
        #expect(backup.masterDownDeadline == .seconds(3) + Self.masterDown100)
        #expect(backup.masterHeard == VRRPMasterHeard(address: F.addressC, priority: priority, heardAt: .seconds(3)))
        // The old deadline passing does nothing but re-arm the timer.
        #expect(F.transitions(machine.handle(.timerFired(.masterDown), now: Self.masterDown100)) == [])
    }

    @Test("backup: equal priority resets Master_Down whatever the sender's address (RFC: greater than or equal)")
    func backupEqualPriorityLowerAddress() {
        var machine = F.started(F.config(priority: 100, address: F.addressC))
        #expect(machine.handle(F.advert(100, from: F.addressA), now: .seconds(1)) == [.setTimer(.masterDown, after: Self.masterDown100)])
    }

    @Test("backup: priority 0 sets Master_Down to Skew_Time, and the takeover says why")
    func backupPriorityZero() {
        var machine = F.started(F.config(priority: 100))
        _ = machine.handle(F.advert(150), now: .seconds(1))
        #expect(machine.handle(F.advert(0), now: .seconds(2)) == [.setTimer(.masterDown, after: .microseconds(609_375))])
        let at = Duration.seconds(2) + .microseconds(609_375)
        #expect(machine.handle(.timerFired(.masterDown), now: at)
            == F.becomingMaster(priority: 100) + [F.transition(.backup, .master, .priorityZeroReceived)])
    }

    // MARK: §6.4.3 Master

    @Test("master: a higher priority makes it backup, with the sender's interval", arguments: [UInt8(101), 254, 255])
    func masterStepsDown(priority: UInt8) {
        var (machine, now) = F.master(F.config(priority: 100))
        now += .milliseconds(300)
        // 3 × 0.5 s + 156 × 0.5 s / 256
        let masterDown = Duration.nanoseconds(1_804_687_500)
        #expect(machine.handle(F.advert(priority, interval: .milliseconds(500)), now: now)
            == [.cancelTimer(.advertisement), .removeVirtualAddresses, .setTimer(.masterDown, after: masterDown),
                F.transition(.master, .backup, .higherPriorityAdvert)])
        guard case .backup(let backup) = machine.state else {
            Issue.record("not backup")
            return
        }
        #expect(backup.masterAdvertisementInterval == .milliseconds(500))
        #expect(backup.masterHeard?.address == F.addressB)
        #expect(backup.masterDownDeadline == now + masterDown)
    }

    @Test("master: equal priority from a higher primary address wins; from a lower one it loses")
    func tieBreak() {
        // We are 192.0.2.12; 192.0.2.13 is higher, 192.0.2.11 lower.
        var (machine, now) = F.master(F.config(priority: 100, address: F.addressB, strict: true))
        #expect(machine.handle(F.advert(100, from: F.addressA), now: now) == [])
        #expect(machine.state.name == .master)
        #expect(F.transitions(machine.handle(F.advert(100, from: F.addressC), now: now))
            == [VRRPTransition(from: .master, to: .backup, reason: .equalPriorityHigherAddress)])

        var (v6, then) = F.master(F.config(priority: 100, address: F.ip("fe80::2"), strict: true))
        #expect(v6.handle(F.advert(100, from: F.ip("fe80::1")), now: then) == [])
        #expect(F.transitions(v6.handle(F.advert(100, from: F.ip("fe80::3")), now: then)).map(\.to) == [.backup])
    }

    @Test("master: priority 0 from another router is answered by an advert at once, and the Adver_Timer restarts")
    func masterPriorityZero() {
        var (machine, now) = F.master(F.config(priority: 100))
        now += .milliseconds(250)
        #expect(machine.handle(F.advert(0), now: now)
            == [.sendAdvertisement(priority: 100), .setTimer(.advertisement, after: .seconds(1))])
        guard case .master(let master) = machine.state else {
            Issue.record("not master")
            return
        }
        #expect(master.advertisementDeadline == now + .seconds(1))
    }

    // MARK: Shutdown

    @Test("shutdown from master: Adver_Timer off, priority 0 advert, VIPs removed, stopped")
    func shutdownMaster() {
        var (machine, now) = F.master(F.config(priority: 100))
        #expect(machine.handle(.shutdown, now: now)
            == [.cancelTimer(.advertisement), .sendAdvertisement(priority: 0), .removeVirtualAddresses,
                F.transition(.master, .stopped, .shutdown)])
        #expect(machine.state == .stopped)
        #expect(machine.handle(.shutdown, now: now) == [])
        #expect(machine.handle(F.advert(200), now: now) == [])
        #expect(machine.handle(.timerFired(.advertisement), now: now + .seconds(1)) == [])
        #expect(machine.handle(.interfaceDown("eth0"), now: now) == [])
        #expect(machine.handle(.startup, now: now) == [])
    }

    @Test("shutdown from backup cancels its timers; from Initialize and FAULT it only records the change")
    func shutdownOthers() {
        var backup = F.started(F.config(priority: 100, preemptDelay: .seconds(30)))
        #expect(backup.handle(.shutdown, now: .seconds(1))
            == [.cancelTimer(.masterDown), .cancelTimer(.preemptDelay), F.transition(.backup, .stopped, .shutdown)])

        var fresh = VRRPStateMachine(config: F.config())
        #expect(fresh.handle(.shutdown, now: .zero) == [F.transition(.initialize, .stopped, .shutdown)])

        var faulty = F.started(F.config())
        _ = faulty.handle(.interfaceDown("eth0"), now: .seconds(1))
        #expect(faulty.handle(.shutdown, now: .seconds(2)) == [F.transition(.fault, .stopped, .shutdown)])
    }

    @Test("timers of a state already left do nothing")
    func staleTimers() {
        var backup = F.started(F.config())
        #expect(backup.handle(.timerFired(.advertisement), now: .seconds(10)) == [])
        #expect(backup.handle(.timerFired(.preemptDelay), now: .seconds(10)) == [])
        var (master, now) = F.master(F.config())
        #expect(master.handle(.timerFired(.masterDown), now: now + .seconds(10)) == [])
    }

    @Test("every state change is exactly one transition action, the last of its batch")
    func oneTransitionPerChange() {
        var machine = VRRPStateMachine(config: F.config(priority: 100, scripts: [VRRPTrack(name: "chk")]))
        let script: (Bool) -> VRRPEvent = { .trackScriptResult(name: "chk", isUp: $0) }
        let steps: [(VRRPEvent, Duration)] = [
            (.startup, .zero), (.timerFired(.masterDown), .microseconds(3_609_375)), (F.advert(200), .seconds(4)),
            (script(false), .seconds(5)), (script(true), .seconds(6)), (.shutdown, .seconds(7)),
        ]
        var previous = machine.state.name
        for (event, now) in steps {
            let actions = machine.handle(event, now: now)
            let transitions = F.transitions(actions)
            #expect(transitions.count == 1, "\(event)")
            #expect(transitions.first == VRRPTransition(from: previous, to: machine.state.name, reason: transitions.first?.reason ?? .startup))
            if case .transition = actions.last {} else { Issue.record("transition not last for \(event)") }
            previous = machine.state.name
        }
    }

    @Test("the reason labels are the documented Prometheus values")
    func reasonLabels() {
        #expect(VRRPTransitionReason.allCases.map(\.rawValue) == [
            "startup", "address_owner", "master_down_timer", "preempt", "priority_zero_received",
            "higher_priority_advert", "equal_priority_higher_address", "shutdown", "interface_down", "interface_up",
            "track_script", "track_file", "fault_cleared", "sync_group",
        ])
        #expect(VRRPStateName.allCases.map(\.rawValue) == ["init", "backup", "master", "fault", "stopped"])
    }
}
