import Testing
import VigilCore
import VigilVRRP

@Suite("VRRP state machine: RFC 5798 timer values")
struct StateMachineTimingTests {
    typealias F = StateMachineFixtures

    @Test("Skew_Time and Master_Down_Interval", arguments: [
        (UInt8(100), Duration.seconds(1), Duration.microseconds(609_375), Duration.microseconds(3_609_375)),
        (UInt8(50), .seconds(1), .nanoseconds(804_687_500), .nanoseconds(3_804_687_500)),
        (UInt8(255), .seconds(1), .nanoseconds(3_906_250), .nanoseconds(3_003_906_250)),
        (UInt8(1), .seconds(1), .nanoseconds(996_093_750), .nanoseconds(3_996_093_750)),
        (UInt8(100), .milliseconds(100), .nanoseconds(60_937_500), .nanoseconds(360_937_500)),
        (UInt8(50), .milliseconds(10), .nanoseconds(8_046_875), .nanoseconds(38_046_875)),
    ])
    func formulas(priority: UInt8, interval: Duration, skew: Duration, masterDown: Duration) {
        #expect(VRRPTiming.skewTime(priority: priority, masterAdvertisementInterval: interval) == skew)
        #expect(VRRPTiming.masterDownInterval(priority: priority, masterAdvertisementInterval: interval) == masterDown)
    }

    @Test("a backup arms Master_Down from its own priority at startup", arguments: [
        (UInt8(100), Duration.microseconds(3_609_375)),
        (UInt8(50), .nanoseconds(3_804_687_500)),
    ])
    func startupMasterDown(priority: UInt8, masterDown: Duration) {
        var machine = VRRPStateMachine(config: F.config(priority: priority))
        let actions = machine.handle(.startup, now: .seconds(5))
        #expect(actions == [.setTimer(.masterDown, after: masterDown), F.transition(.initialize, .backup, .startup)])
        guard case .backup(let backup) = machine.state else {
            Issue.record("not backup: \(machine.state)")
            return
        }
        #expect(backup.masterDownDeadline == .seconds(5) + masterDown)
        #expect(backup.masterAdvertisementInterval == .seconds(1))
    }

    @Test("a VRRPv3 backup learns Master_Adver_Interval from the master's advert")
    func learnsInterval() {
        var machine = F.started(F.config(priority: 50))
        let actions = machine.handle(F.advert(100, interval: .milliseconds(100)), now: .seconds(1))
        // 3 × 0.1 s + (256 − 50) × 0.1 s / 256
        #expect(actions == [.setTimer(.masterDown, after: .nanoseconds(380_468_750))])
        guard case .backup(let backup) = machine.state else {
            Issue.record("not backup")
            return
        }
        #expect(backup.masterAdvertisementInterval == .milliseconds(100))
        #expect(backup.masterDownDeadline == .seconds(1) + .nanoseconds(380_468_750))
    }

    @Test("a VRRPv2 backup keeps its own interval")
    func v2KeepsInterval() {
        var machine = F.started(F.config(priority: 50, learnsInterval: false))
        let actions = machine.handle(F.advert(100, interval: .seconds(3)), now: .seconds(1))
        #expect(actions == [.setTimer(.masterDown, after: .nanoseconds(3_804_687_500))])
    }

    @Test("an advert carrying interval 0 leaves Master_Adver_Interval alone")
    func zeroIntervalIgnored() {
        var machine = F.started(F.config(priority: 100))
        #expect(machine.handle(F.advert(200, interval: .zero), now: .zero) == [.setTimer(.masterDown, after: .microseconds(3_609_375))])
    }

    @Test("down_timer_adverts replaces the factor 3")
    func downTimerAdverts() {
        var machine = VRRPStateMachine(config: F.config(priority: 100, downTimerAdverts: 1))
        #expect(machine.handle(.startup, now: .zero).first == .setTimer(.masterDown, after: .microseconds(1_609_375)))
    }

    @Test("out-of-range configuration values are clamped, not trapped on")
    func clamping() {
        let config = VRRPInstanceConfig(
            name: "VI_X", virtualRouterId: 0, priority: 0, advertisementInterval: .zero, preemptDelay: .seconds(-1),
            downTimerAdverts: 0, primaryAddress: F.addressA, interface: "eth0")
        #expect(config.priority == 1)
        #expect(config.virtualRouterId == 1)
        #expect(config.advertisementInterval == .milliseconds(10))
        #expect(config.preemptDelay == .zero)
        #expect(config.downTimerAdverts == 1)
        let huge = VRRPInstanceConfig(
            name: "VI_Y", virtualRouterId: 1, advertisementInterval: .seconds(100_000), primaryAddress: F.addressA, interface: "eth0")
        #expect(huge.advertisementInterval == .seconds(255))
    }

    @Test("a master advertises every Advertisement_Interval, exactly")
    func advertCadence() {
        var (machine, now) = F.master(F.config(priority: 100))
        for _ in 0..<5 {
            now += .seconds(1)
            #expect(machine.handle(.timerFired(.advertisement), now: now)
                == [.sendAdvertisement(priority: 100), .setTimer(.advertisement, after: .seconds(1))])
        }
    }

    @Test("a timer firing before its deadline is re-armed for the rest, not acted on")
    func earlyTimers() {
        var machine = F.started(F.config(priority: 100))
        _ = machine.handle(F.advert(200), now: .seconds(2))  // Master_Down now due at 5.609375 s
        #expect(machine.handle(.timerFired(.masterDown), now: .microseconds(3_609_375)) == [.setTimer(.masterDown, after: .seconds(2))])
        #expect(machine.state.name == .backup)

        var (master, now) = F.master(F.config(priority: 100))
        #expect(master.handle(.timerFired(.advertisement), now: now + .milliseconds(400))
            == [.setTimer(.advertisement, after: .milliseconds(600))])
    }
}
