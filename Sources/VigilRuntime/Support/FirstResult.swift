import Synchronization

/// The first of several finishers (work, a deadline) resumes the waiting caller; the later ones
/// are dropped. Lets a caller wait for work that may never end (a hung script or file system)
/// for at most a deadline, where awaiting the work itself would ignore cancellation.
final class FirstResult<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T?, Never>?
        var result: T??
    }
    private let state = Mutex(State())

    /// Waits for the first `finish`; call once.
    func wait(with continuation: CheckedContinuation<T?, Never>) {
        let early: T?? = state.withLock { state in
            if let result = state.result { return result }
            state.continuation = continuation
            return nil
        }
        if let early { continuation.resume(returning: early) }
    }

    /// The first call resumes the waiter with `value`; later calls do nothing.
    func finish(_ value: T?) {
        let waiting = state.withLock { state -> CheckedContinuation<T?, Never>? in
            guard state.result == nil else { return nil }
            state.result = .some(value)
            defer { state.continuation = nil }
            return state.continuation
        }
        waiting?.resume(returning: value)
    }
}

/// Async work raced against a deadline.
enum AsyncDeadline {
    /// Runs `work` in a task of its own; true when it finished within `limit`. Past the limit the
    /// caller goes on and the task is left to end by itself (not cancelled: work that polls a
    /// child process would spin once its sleeps stopped sleeping).
    static func finished(within limit: Duration, _ work: @escaping @Sendable () async -> Void) async -> Bool {
        let outcome = FirstResult<Bool>()
        let worker = Task {
            await work()
            outcome.finish(true)
        }
        let timer = Task {
            try? await Task.sleep(for: limit)
            outcome.finish(false)
        }
        _ = worker
        let finished = await withCheckedContinuation { outcome.wait(with: $0) } ?? false
        timer.cancel()
        return finished
    }
}
