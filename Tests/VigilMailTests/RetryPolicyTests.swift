import Testing
import VigilMail

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
