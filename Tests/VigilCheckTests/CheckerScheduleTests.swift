import Testing
import VigilCheck
import VigilCore
import VigilTestSupport

@Suite("CheckerSchedule: delay_loop, retry, delay_before_retry, alpha and warmup on a manual clock")
struct CheckerScheduleTests {
    typealias Support = CheckTestSupport
    let fail = CheckTestSupport.failure

    static func schedule(retry: Int = 2, alpha: Bool = false, warmup: Double = 0) -> CheckerSchedule {
        CheckerSchedule(
            delayLoop: Seconds(10), retry: retry, delayBeforeRetry: Seconds(3), warmup: Seconds(warmup), alpha: alpha)
    }

    @Test("failures use retry attempts spaced by delay_before_retry, then the checker goes down")
    func retrySequence() {
        var schedule = Self.schedule(retry: 2)
        #expect(schedule.start(at: Support.at(0), warmupFraction: 0) == Support.at(0))

        let ok = schedule.record(.success, at: Support.at(0.5))
        #expect(ok.nextRun == Support.at(10) && ok.transition == nil && ok.isUp && ok.isFirstResult, "delay_loop after the planned start")

        let first = schedule.record(fail, at: Support.at(11))
        #expect(first.nextRun == Support.at(14) && first.nextRunIsRetry && first.isUp && first.transition == nil)
        let second = schedule.record(fail, at: Support.at(14.2))
        #expect(second.nextRun == Support.at(17.2) && second.nextRunIsRetry && second.transition == nil)
        #expect(schedule.retriesUsed == 2)

        let third = schedule.record(fail, at: Support.at(17.5))
        #expect(third.transition == .down && !third.isUp)
        #expect(third.nextRun == Support.at(27.2) && !third.nextRunIsRetry, "after the verdict the next regular run is delay_loop after the last planned start")
        #expect(schedule.retriesUsed == 0)

        let stillDown = schedule.record(fail, at: Support.at(28))
        #expect(stillDown.transition == nil && stillDown.nextRun == Support.at(37.2), "a down checker uses no retries")

        let back = schedule.record(.success, at: Support.at(38.1))
        #expect(back.transition == .up && back.isUp && back.nextRun == Support.at(47.2) && !back.isFirstResult)
    }

    @Test("a success during the retries resets them")
    func successResetsRetries() {
        var schedule = Self.schedule(retry: 1)
        schedule.start(at: Support.at(0), warmupFraction: 0)
        #expect(schedule.record(fail, at: Support.at(1)).nextRunIsRetry)
        let recovered = schedule.record(.success, at: Support.at(4))
        #expect(recovered.transition == nil && recovered.nextRun == Support.at(14) && schedule.retriesUsed == 0)
        let again = schedule.record(fail, at: Support.at(14))
        #expect(again.nextRunIsRetry && again.isUp, "the full retry budget is back")
        #expect(schedule.record(fail, at: Support.at(17)).transition == .down)
    }

    @Test("the checker goes down on failure number retry + 1", arguments: [0, 1, 3, 5])
    func failuresToGoDown(retry: Int) {
        var schedule = Self.schedule(retry: retry)
        schedule.start(at: Support.at(0), warmupFraction: 0)
        var now = Support.at(0)
        for attempt in 1...retry + 1 {
            let step = schedule.record(fail, at: now)
            #expect(step.transition == (attempt == retry + 1 ? .down : nil), "attempt \(attempt)")
            now = step.nextRun
        }
        let detection = now - Support.at(0)
        #expect(detection == Seconds(Double(retry) * 3 + 10), "retry × delay_before_retry, then delay_loop to the next run")
    }

    @Test("successes keep their phase: delay_loop from each planned start, however long the check took")
    func delayLoopSpacing() {
        var schedule = Self.schedule()
        var now = schedule.start(at: Support.at(100), warmupFraction: 0)
        var runs: [CheckInstant] = [now]
        for _ in 0..<5 {
            let finished = now + Seconds(0.25)  // the check itself takes 250 ms
            now = schedule.record(.success, at: finished).nextRun
            runs.append(now)
        }
        let gaps = zip(runs.dropFirst(), runs).map { $0 - $1 }
        #expect(gaps == Array(repeating: Seconds(10), count: 5))
        #expect(schedule.nextRun == runs.last)
    }

    @Test("a run that overran its delay_loop counts the next one from its result, as keepalived does")
    func overrunCountsFromResult() {
        var schedule = Self.schedule()
        schedule.start(at: Support.at(0), warmupFraction: 0)
        let slow = schedule.record(.success, at: Support.at(12))
        #expect(slow.nextRun == Support.at(22))
        let exact = schedule.record(.success, at: Support.at(32))
        #expect(exact.nextRun == Support.at(42), "finishing exactly one delay_loop late is an overrun too")
    }

    @Test("checkers whose results are handled in one batch keep their own phases")
    func batchesDoNotBunch() {
        // Ten checkers planned 10 ms apart; their results are all handled at the same instant.
        var schedules = (0..<10).map { _ in Self.schedule() }
        let planned = (0..<10).map { Support.at(Double($0) * 0.01) }
        for index in schedules.indices { schedules[index].start(at: planned[index], warmupFraction: 0) }
        let batch = Support.at(0.2)
        let next = schedules.indices.map { schedules[$0].record(.success, at: batch).nextRun }
        #expect(next == planned.map { $0 + Seconds(10) })
    }

    @Test("alpha: starts down, a failure keeps it down quietly, the first success brings it up")
    func alphaStart() {
        var schedule = Self.schedule(alpha: true)
        #expect(!schedule.isUp)
        schedule.start(at: Support.at(0), warmupFraction: 0)
        let failed = schedule.record(fail, at: Support.at(1))
        #expect(failed.isFirstResult && !failed.isUp && failed.transition == nil)
        #expect(failed.nextRun == Support.at(10) && !failed.nextRunIsRetry)
        let passed = schedule.record(.success, at: Support.at(11))
        #expect(passed.transition == .up && passed.isUp)
    }

    @Test("without alpha: starts up, the first success is no transition")
    func nonAlphaStart() {
        var schedule = Self.schedule(alpha: false)
        #expect(schedule.isUp)
        schedule.start(at: Support.at(0), warmupFraction: 0.5)
        let step = schedule.record(.success, at: Support.at(1))
        #expect(step.transition == nil && step.isFirstResult)
    }

    @Test("a dynamic weight comes through with the step")
    func dynamicWeight() {
        var schedule = Self.schedule()
        schedule.start(at: Support.at(0), warmupFraction: 0)
        #expect(schedule.record(.successWithWeight(7), at: Support.at(1)).weight == 7)
        #expect(schedule.record(.success, at: Support.at(11)).weight == nil)
    }

    @Test("the first run lies within warmup, whatever the random fraction", arguments: [0.0, 0.25, 0.999, 1.0, -1.0, 2.0, Double.nan, Double.infinity])
    func warmupBounds(fraction: Double) {
        var schedule = Self.schedule(warmup: 30)
        let first = schedule.start(at: Support.at(5), warmupFraction: fraction)
        #expect(first >= Support.at(5) && first <= Support.at(35))
        #expect(schedule.nextRun == first)
    }

    @Test("10,000 checkers with random fractions start spread over the whole warmup")
    func warmupStaggering() {
        var generator = SplitMix64(seed: 42)
        var starts: [CheckInstant] = []
        for _ in 0..<10_000 {
            var schedule = Self.schedule(warmup: 10)
            starts.append(schedule.start(at: Support.at(0), warmupFraction: Double(generator.next() >> 11) / Double(1 << 53)))
        }
        let sorted = starts.sorted()
        #expect(sorted.first.map { $0 >= Support.at(0) } == true)
        #expect(sorted.last.map { $0 <= Support.at(10) } == true)
        // No one-second slice gets much more than its share (1,000).
        var perSecond = Array(repeating: 0, count: 11)
        for start in starts { perSecond[Int(start.microseconds / 1_000_000)] += 1 }
        #expect(perSecond.prefix(10).allSatisfy { $0 > 850 && $0 < 1_150 }, "\(perSecond)")
        #expect(Set(starts).count > 9_900, "starts are almost all distinct")
    }

    @Test("warmup 0 starts every checker at once, huge timers saturate instead of trapping")
    func extremes() {
        var zero = Self.schedule(warmup: 0)
        #expect(zero.start(at: Support.at(3), warmupFraction: 0.7) == Support.at(3))
        var huge = CheckerSchedule(
            delayLoop: Seconds(microseconds: .max), retry: 1, delayBeforeRetry: Seconds(microseconds: .max),
            warmup: Seconds(microseconds: .max), alpha: false)
        #expect(huge.start(at: Support.at(1), warmupFraction: 1) == CheckInstant(microseconds: .max))
        #expect(huge.record(.success, at: Support.at(1)).nextRun == CheckInstant(microseconds: .max))
        let negative = CheckerSchedule(delayLoop: Seconds(-5), retry: -2, delayBeforeRetry: Seconds(-1), warmup: Seconds(-3), alpha: false)
        #expect(negative.retry == 0 && negative.delayLoop == Seconds(0) && negative.warmup == Seconds(0))
    }
}
