import Testing
import VigilCore
@testable import VigilVRRP

@Suite("Transition causes in operator terms")
struct TransitionCauseTests {
    static let master = IPAddress.v4(IPv4Address(192, 0, 2, 1))
    static let heard = VRRPTransitionCause.LastAdvert(address: master, priority: 100, at: .seconds(10))

    static func cause(_ reason: VRRPTransitionReason, _ trigger: VRRPEvent? = nil, to: VRRPStateName = .master, heard: VRRPTransitionCause.LastAdvert? = heard, note: String? = nil) -> String {
        VRRPTransitionCause.describe(
            VRRPTransition(from: .backup, to: to, reason: reason), trigger: trigger, lastAdvert: heard, ownPriority: 50,
            now: .milliseconds(13_805), note: note)
    }

    @Test("Each reason names what moved the VIP: the advert, the timer, the tracked object, the peer")
    func sentences() {
        #expect(Self.cause(.masterDownTimer) == "master down timer expired (last advert from 192.0.2.1, priority 100, 3805 ms ago)")
        #expect(Self.cause(.masterDownTimer, heard: nil) == "master down timer expired (no advert heard since start)")
        #expect(Self.cause(.priorityZeroReceived) == "priority 0 received from 192.0.2.1: it resigned; took over after Skew_Time")
        #expect(Self.cause(.higherPriorityAdvert, to: .backup) == "advert from 192.0.2.1, priority 100 is above own priority 50")
        #expect(Self.cause(.preempt).hasPrefix("preempted: master down timer expired while ignoring the lower-priority master (192.0.2.1, priority 100)"))
        #expect(Self.cause(.interfaceDown, .interfaceDown("eth1"), to: .fault) == "tracked interface eth1 went down")
        #expect(Self.cause(.trackScript, .trackScriptResult(name: "chk_nginx", isUp: false), to: .fault) == "vrrp_script chk_nginx fails")
        #expect(Self.cause(.trackFile, .trackFileValue(name: "maint", value: -254), to: .fault) == "track_file maint reads -254")
        #expect(Self.cause(.shutdown, .shutdown, to: .stopped, note: "shutdown: SIGTERM") == "shutdown: SIGTERM")
        #expect(Self.cause(.syncGroup, .syncGroup(.becomeBackup), to: .backup, note: "sync group G: VI_1 went FAULT") == "sync group G: VI_1 went FAULT")
        #expect(Self.cause(.startup, .startup, to: .backup) == "started: Initialize → BACKUP")
    }
}
