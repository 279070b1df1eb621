import Testing
import VigilCore

@Suite("Duration units: one vocabulary")
struct DurationUnitsTests {
    @Test("Seconds, milliseconds and nanoseconds, rounded toward zero, saturating")
    func conversions() {
        #expect(Duration.milliseconds(1_500).inSeconds == 1.5)
        #expect(Duration.microseconds(3_804_687).wholeMilliseconds == 3_804)
        #expect(Duration.seconds(2).wholeNanoseconds == 2_000_000_000)
        #expect(Duration.seconds(Int64.max).wholeNanoseconds == .max)
        #expect(Duration.seconds(Int64.min).wholeNanoseconds == .min)
        #expect(Duration.seconds(20).secondsText == "20")
        #expect(Duration.milliseconds(300).secondsText == "0.3")
    }
}
