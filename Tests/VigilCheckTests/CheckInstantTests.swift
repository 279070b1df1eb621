import Testing
import VigilCheck
import VigilCore

@Suite("CheckInstant: time for the check core")
struct CheckInstantTests {
    @Test("a Duration since the origin becomes microseconds, rounding down")
    func fromDuration() {
        #expect(CheckInstant(.seconds(2) + .nanoseconds(1_999)) == CheckInstant(microseconds: 2_000_001))
        #expect(CheckInstant(.milliseconds(-3)) == CheckInstant(microseconds: -3_000))
        #expect(CheckInstant(.seconds(Int64.max)) == CheckInstant(microseconds: .max), "saturates instead of trapping")
        #expect(CheckInstant(.seconds(Int64.min)) == CheckInstant(microseconds: .min))
    }

    @Test("adding and subtracting saturate")
    func arithmetic() {
        let start = CheckInstant(microseconds: 5_000_000)
        #expect(start + Seconds(1.5) == CheckInstant(microseconds: 6_500_000))
        #expect((start + Seconds(1.5)) - start == Seconds(1.5))
        #expect(CheckInstant(microseconds: .max - 1) + Seconds(10) == CheckInstant(microseconds: .max))
        #expect(CheckInstant(microseconds: .min) - CheckInstant(microseconds: 1) == Seconds(microseconds: .min))
        #expect(start.description == "5s")
    }
}
