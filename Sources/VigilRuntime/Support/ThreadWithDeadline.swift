import VigilPlatform

/// Runs blocking work on a thread of its own and waits for it at most `limit`. Work that may block
/// on the file system (reading a configuration from a hung mount) must not hold a thread of the
/// cooperative pool, and a caller must not wait on it for ever: past the limit the caller gets nil
/// and goes on, and the thread is left to finish (or hang) alone, costing one idle thread.
enum ThreadWithDeadline {
    static func run<T: Sendable>(within limit: Duration, _ work: @escaping @Sendable () -> T) async -> T? {
        let outcome = FirstResult<T>()
        let timer = Task {
            try? await Task.sleep(for: limit)
            outcome.finish(nil)
        }
        let value = await withCheckedContinuation { continuation in
            outcome.wait(with: continuation)
            if !DetachedThread.start({ outcome.finish(work()) }) { outcome.finish(work()) }
        }
        timer.cancel()
        return value
    }
}
