import Synchronization
import VigilCore

/// An `EngineClock` that moves only when the test says: `advance(by:)` wakes, in deadline order,
/// every sleeper whose deadline has come.
public final class ManualClock: EngineClock {
    private struct Sleeper {
        let id: Int
        let deadline: Duration
        let continuation: CheckedContinuation<Void, any Error>
    }
    private struct State {
        var now: Duration = .zero
        var sleepers: [Sleeper] = []
        var nextId = 0
        var calls = 0
    }
    private let state = Mutex(State())

    public init() {}

    /// How many times anyone has slept on this clock.
    public var sleepCalls: Int { state.withLock { $0.calls } }

    public var now: Duration { state.withLock { $0.now } }

    /// True when someone sleeps until exactly `deadline`.
    public func hasSleeper(until deadline: Duration) -> Bool { state.withLock { $0.sleepers.contains { $0.deadline == deadline } } }

    /// The earliest deadline someone sleeps until, if anyone does.
    public var nextDeadline: Duration? { state.withLock { $0.sleepers.map(\.deadline).min() } }

    public func sleep(until deadline: Duration) async throws {
        let id = state.withLock { state in
            state.calls += 1
            state.nextId += 1
            return state.nextId
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let ready = state.withLock { state in
                    guard deadline > state.now else { return true }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return state.sleepers.remove(at: index)
            }
            cancelled?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes the sleepers that are due, earliest first.
    public func advance(by duration: Duration) {
        let due = state.withLock { state -> [Sleeper] in
            state.now += duration
            let now = state.now
            let due = state.sleepers.filter { $0.deadline <= now }.sorted { $0.deadline < $1.deadline }
            state.sleepers.removeAll { $0.deadline <= now }
            return due
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}
