import Testing
import VigilCheck
import VigilConfig

@Suite("RealServerHealth: every checker must pass; dynamic weights")
struct RealServerHealthTests {
    @Test("with several checkers the real server is up only while all pass, and the cause is reported")
    func severalCheckers() {
        var health = RealServerHealth(configuredWeight: 5, checkersStartUp: [true, true, true])
        #expect(health.isUp)
        #expect(health.update(checker: 1, isUp: false) == [.down(cause: 1)])
        #expect(health.update(checker: 2, isUp: false) == [], "already down: no second transition")
        #expect(health.update(checker: 1, isUp: true) == [], "checker 2 still fails")
        #expect(!health.isUp)
        #expect(health.update(checker: 2, isUp: true) == [.up(cause: 2)])
        #expect(health.isUp && health.weight == 5)
    }

    @Test("a real server with no checkers is always up")
    func noCheckers() {
        var health = RealServerHealth(configuredWeight: 3, checkersStartUp: [])
        #expect(health.isUp)
        #expect(health.update(checker: 0, isUp: false) == [], "an unknown checker changes nothing")
        #expect(health.isUp)
    }

    @Test("an alpha checker keeps its real server down until it passes")
    func alphaChecker() {
        var health = RealServerHealth(configuredWeight: 1, checkersStartUp: [true, false])
        #expect(!health.isUp)
        #expect(health.update(checker: 0, isUp: true) == [])
        #expect(health.update(checker: 1, isUp: true) == [.up(cause: 1)])
    }

    @Test("misc_dynamic sets the weight, reported with its checker, and it stays until replaced")
    func miscDynamicWeight() {
        var health = RealServerHealth(configuredWeight: 10, checkersStartUp: [true, true])
        #expect(health.update(checker: 1, isUp: true, weight: 4) == [.weightChanged(from: 10, to: 4, cause: 1)])
        #expect(health.weight == 4)
        #expect(health.update(checker: 1, isUp: true) == [], "a plain success keeps the dynamic weight")
        #expect(health.update(checker: 1, isUp: true, weight: 4) == [], "the same weight is no change")
        #expect(health.update(checker: 0, isUp: false) == [.down(cause: 0)])
        #expect(health.weight == 4)
    }

    @Test("a dynamic weight arriving with recovery reports both, weight first")
    func weightWithRecovery() {
        var health = RealServerHealth(configuredWeight: 1, checkersStartUp: [false])
        #expect(health.update(checker: 0, isUp: true, weight: 9) == [.weightChanged(from: 1, to: 9, cause: 0), .up(cause: 0)])
    }

    @Test("weights are clamped to what IPVS takes", arguments: [(-5, 0), (0, 0), (253, 253), (Int.max, Int(Int32.max))])
    func clamping(requested: Int, expected: Int) {
        var health = RealServerHealth(configuredWeight: 1, checkersStartUp: [true])
        _ = health.update(checker: 0, isUp: true, weight: requested)
        #expect(health.weight == expected)
    }

    @Test("steps from a schedule feed the real server")
    func fromSchedule() {
        var schedule = CheckerSchedule(delayLoop: .init(5), retry: 0, delayBeforeRetry: .init(1), warmup: .init(0), alpha: false)
        var health = RealServerHealth(configuredWeight: 2, checkersStartUp: [schedule.isUp])
        let step = schedule.record(CheckTestSupport.failure, at: CheckTestSupport.at(1))
        #expect(health.update(checker: 0, step: step) == [.down(cause: 0)])
    }
}
