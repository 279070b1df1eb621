import Testing
import VigilMail

@Suite("Which VRRP changes are mailed")
struct VRRPAlertRulesTests {
    @Test("An instance with smtp_alert mails MASTER, BACKUP, FAULT and STOP, not INIT")
    func instance() {
        var rules = VRRPAlertRules(instances: ["VI_1": .init(mails: true, group: nil)], groups: [:], noEmailFaults: false)
        #expect(rules.transition(of: "VI_1", to: "init").instance == false)
        for state in ["backup", "master", "fault", "stopped"] { #expect(rules.transition(of: "VI_1", to: state).instance, "\(state)") }
    }

    @Test("no_email_faults silences FAULT only; an instance without smtp_alert sends nothing")
    func switches() {
        var rules = VRRPAlertRules(
            instances: ["VI_1": .init(mails: true, group: nil), "VI_2": .init(mails: false, group: nil)], groups: [:], noEmailFaults: true)
        #expect(rules.transition(of: "VI_1", to: "fault").instance == false)
        #expect(rules.transition(of: "VI_1", to: "master").instance)
        #expect(rules.transition(of: "VI_2", to: "master").instance == false)
        #expect(rules.anyMail)
    }

    @Test("A mailing sync group sends one group mail once every member is in the state, and its members none")
    func group() {
        var rules = VRRPAlertRules(
            instances: ["A": .init(mails: true, group: "G1"), "B": .init(mails: true, group: "G1")],
            groups: ["G1": .init(members: ["A", "B"], mails: true)], noEmailFaults: false)
        let first = rules.transition(of: "A", to: "master")
        #expect(first.instance == false)
        #expect(first.group == nil, "B is not master yet")
        let second = rules.transition(of: "B", to: "master")
        #expect(second.group?.name == "G1")
        #expect(second.group?.previous == nil)
        let fault = rules.transition(of: "A", to: "fault")
        #expect(fault.group?.name == "G1", "one faulty member puts the group in FAULT")
        #expect(fault.group?.state == "fault")
        #expect(fault.group?.previous == "master")
    }

    @Test("A group without smtp_alert leaves its members' own mail alone")
    func quietGroup() {
        var rules = VRRPAlertRules(
            instances: ["A": .init(mails: true, group: "G1")], groups: ["G1": .init(members: ["A"], mails: false)], noEmailFaults: false)
        let decision = rules.transition(of: "A", to: "master")
        #expect(decision.instance)
        #expect(decision.group == nil)
    }
}
