import Testing
import VigilMail

@Suite("Coalescing flapping alerts (manual clock)")
struct AlertCoalescerTests {
    static func event(_ subject: AlertSubject = .vrrpInstance("VI_1"), at seconds: Double) -> AlertEvent {
        AlertEvent(subject: subject, change: "Entering MASTER state", previous: "BACKUP", reason: "r", at: seconds)
    }

    /// Runs the coalescer over `offsets` (seconds) and then `tail` more seconds, ticking every 100 ms
    /// as the runtime does; returns every mail it would send.
    static func run(_ offsets: [Double], tail: Double, coalescer: inout AlertCoalescer) -> [[AlertEvent]] {
        var mails: [[AlertEvent]] = []
        var pending = offsets.sorted()
        var tick = 0.0
        let end = (offsets.max() ?? 0) + tail
        while tick <= end {
            while let next = pending.first, next <= tick {
                pending.removeFirst()
                if case .sendNow(let events) = coalescer.offer(event(at: next), now: .milliseconds(Int64(next * 1000))) {
                    mails.append(events)
                }
            }
            mails += coalescer.due(now: .milliseconds(Int64(tick * 1000)))
            tick += 0.1
        }
        return mails
    }

    @Test("20 flaps in 10 s send at most 3 mails, and every change is reported")
    func twentyFlaps() {
        var coalescer = AlertCoalescer()
        let offsets = (0..<20).map { Double($0) * 0.5 }
        let mails = Self.run(offsets, tail: 120, coalescer: &coalescer)
        #expect(mails.count <= 3)
        #expect(mails.map(\.count) == [1, 1, 18], "two at once, then one digest")
        #expect(mails.map(\.count).reduce(0, +) == 20, "no change is lost")
        #expect(coalescer.heldCount == 0)
    }

    @Test("A start (BACKUP, then MASTER 4 s later) sends both mails at once")
    func startUp() {
        var coalescer = AlertCoalescer()
        #expect(coalescer.offer(Self.event(at: 0), now: .zero) != .held)
        #expect(coalescer.offer(Self.event(at: 4), now: .seconds(4)) != .held)
        #expect(coalescer.due(now: .seconds(60)).isEmpty)
    }

    @Test("A single transition sends exactly one mail, at once")
    func single() {
        var coalescer = AlertCoalescer()
        #expect(coalescer.offer(Self.event(at: 0), now: .zero) == .sendNow([Self.event(at: 0)]))
        let later = Self.run([], tail: 0, coalescer: &coalescer) + coalescer.due(now: .seconds(600))
        #expect(later.isEmpty)
        #expect(coalescer.nextDue == nil)
    }

    @Test("Flapping without end sends at most one mail per window")
    func endlessFlapping() {
        var coalescer = AlertCoalescer(window: .seconds(30))
        let offsets = (0..<300).map { Double($0) }
        let mails = Self.run(offsets, tail: 31, coalescer: &coalescer)
        // 300 s of changes: the first mail plus one digest per 30 s window.
        #expect(mails.count <= 2 + 300 / 30 + 1)
        #expect(mails.map(\.count).reduce(0, +) == 300, "no change is lost")
        #expect(coalescer.heldCount == 0)
    }

    @Test("Subjects are coalesced apart: two instances each send their first change at once")
    func separateSubjects() {
        var coalescer = AlertCoalescer()
        #expect(coalescer.offer(Self.event(.vrrpInstance("VI_1"), at: 0), now: .zero) != .held)
        #expect(coalescer.offer(Self.event(.vrrpInstance("VI_2"), at: 0), now: .zero) != .held)
        #expect(coalescer.offer(Self.event(.vrrpInstance("VI_1"), at: 1), now: .seconds(1)) != .held)
        #expect(coalescer.offer(Self.event(.vrrpInstance("VI_1"), at: 2), now: .seconds(2)) == .held)
        #expect(coalescer.nextDue == .seconds(30))
    }

    @Test("At shutdown every held change comes out at once")
    func flushAll() {
        var coalescer = AlertCoalescer()
        for second in 0..<5 { _ = coalescer.offer(Self.event(at: Double(second)), now: .seconds(second)) }
        _ = coalescer.offer(Self.event(.vrrpInstance("VI_2"), at: 0), now: .zero)
        #expect(coalescer.flushAll().map(\.count) == [3])
        #expect(coalescer.heldCount == 0)
        #expect(coalescer.flushAll().isEmpty)
    }

    @Test("A quiet window is forgotten: the next change after it goes out at once")
    func quietAgain() {
        var coalescer = AlertCoalescer(window: .seconds(30))
        _ = coalescer.offer(Self.event(at: 0), now: .zero)
        #expect(coalescer.due(now: .seconds(31)).isEmpty)
        #expect(coalescer.offer(Self.event(at: 40), now: .seconds(40)) != .held)
    }
}

@Suite("Retry schedule")
struct RetryPolicyTests {
    @Test("Backoff doubles from 5 s and stops at 5 min")
    func schedule() {
        let policy = RetryPolicy()
        let delays = (1...9).map { policy.delay(afterAttempt: $0) }
        #expect(delays == [5, 10, 20, 40, 80, 160, 300, 300, 300].map { Duration.seconds($0) })
    }

    @Test("Temporary failures retry; refusals give up at once; setup failures retry at the cap")
    func decisions() {
        let policy = RetryPolicy()
        #expect(policy.decide(afterAttempt: 1, kind: .temporary, age: .zero) == .retry(after: .seconds(5)))
        #expect(policy.decide(afterAttempt: 3, kind: .temporary, age: .seconds(15)) == .retry(after: .seconds(20)))
        #expect(policy.decide(afterAttempt: 1, kind: .rejected, age: .zero) == .giveUp(.rejected))
        #expect(policy.decide(afterAttempt: 1, kind: .setup, age: .zero) == .retry(after: .seconds(300)))
    }

    @Test("Attempts and age are bounded")
    func bounds() {
        let policy = RetryPolicy(maxAttempts: 4, maxAge: .seconds(600))
        #expect(policy.decide(afterAttempt: 4, kind: .temporary, age: .seconds(40)) == .giveUp(.attempts))
        #expect(policy.decide(afterAttempt: 2, kind: .setup, age: .seconds(400)) == .giveUp(.age))
    }
}

@Suite("Bounded mail queue")
struct MailQueueTests {
    @Test("When full, the oldest is dropped for the newest")
    func dropOldest() {
        var queue = MailQueue<Int>(capacity: 3)
        for value in 1...3 { #expect(queue.enqueue(value, now: .zero) == nil) }
        let dropped = queue.enqueue(4, now: .seconds(1))
        #expect(dropped?.item == 1)
        #expect(queue.count == 3)
        #expect(queue.takeDue(now: .seconds(1))?.item == 2)
    }

    @Test("Entries wait for their retry time; attempts are counted")
    func retryTimes() {
        var queue = MailQueue<String>()
        _ = queue.enqueue("a", now: .zero)
        let first = queue.takeDue(now: .zero)
        #expect(first?.attempts == 1)
        queue.retry(id: first?.id ?? 0, at: .seconds(5))
        #expect(queue.takeDue(now: .seconds(4)) == nil)
        #expect(queue.nextDue == .seconds(5))
        #expect(queue.takeDue(now: .seconds(5))?.attempts == 2)
        queue.remove(id: first?.id ?? 0)
        #expect(queue.isEmpty)
    }

    @Test("The default capacity is 100")
    func capacity() {
        var queue = MailQueue<Int>()
        var drops = 0
        for value in 0..<150 where queue.enqueue(value, now: .zero) != nil { drops += 1 }
        #expect(queue.count == 100)
        #expect(drops == 50)
    }
}

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
