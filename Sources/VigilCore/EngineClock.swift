/// The clock an engine reads and sleeps on: monotonic time since the clock's origin. The daemon
/// uses `MonotonicClock`; tests a manual one (VigilTestSupport's `ManualClock`), so timing
/// behaviour is tested on simulated time, not by waiting.
public protocol EngineClock: Sendable {
    /// Time since this clock's origin.
    var now: Duration { get }
    /// Returns once `now` has reached `deadline`; throws CancellationError when the task is cancelled.
    func sleep(until deadline: Duration) async throws
}

/// `ContinuousClock` from the moment it was made (it keeps counting while the machine sleeps).
public struct MonotonicClock: EngineClock {
    private let origin = ContinuousClock.now

    public init() {}

    public var now: Duration { ContinuousClock.now - origin }

    public func sleep(until deadline: Duration) async throws {
        try await Task.sleep(until: origin + deadline, clock: .continuous)
    }
}
