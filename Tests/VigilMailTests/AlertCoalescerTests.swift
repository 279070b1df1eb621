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
