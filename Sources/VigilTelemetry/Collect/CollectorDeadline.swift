import Synchronization

/// Why a collector produced nothing this scrape.
public enum CollectorFailure: Error, Sendable, CustomStringConvertible {
    case failed(String)
    case timedOut(Duration)

    public var description: String {
        switch self {
        case .failed(let reason): reason
        case .timedOut(let limit): "no answer within \(limit)"
        }
    }
}

/// Runs a collector with a deadline that holds even if the collector ignores cancellation.
enum CollectorDeadline {
    static func run(_ collector: any ScrapeCollector, timeout: Duration) async -> Result<CollectedMetrics, CollectorFailure> {
        let outcome = Mutex<CheckedContinuation<Result<CollectedMetrics, CollectorFailure>, Never>?>(nil)
        return await withCheckedContinuation { continuation in
            outcome.withLock { $0 = continuation }
            let resume: @Sendable (Result<CollectedMetrics, CollectorFailure>) -> Void = { result in
                let waiting = outcome.withLock { slot -> CheckedContinuation<Result<CollectedMetrics, CollectorFailure>, Never>? in
                    defer { slot = nil }
                    return slot
                }
                waiting?.resume(returning: result)
            }
            let timer = Mutex<Task<Void, Never>?>(nil)
            let work = Task {
                let result: Result<CollectedMetrics, CollectorFailure>
                do {
                    result = .success(try await collector.collect())
                } catch {
                    result = .failure(.failed(String(describing: error)))
                }
                // A finished collector needs no timer left sleeping until the deadline.
                timer.withLock { $0?.cancel() }
                resume(result)
            }
            timer.withLock { slot in
                slot = Task {
                    guard (try? await Task.sleep(for: timeout)) != nil else { return }
                    work.cancel()
                    resume(.failure(.timedOut(timeout)))
                }
            }
        }
    }
}
