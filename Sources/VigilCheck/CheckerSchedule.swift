import VigilConfig
import VigilCore

/// When one checker runs and how its results turn into up and down, as keepalived's checkers do.
///
/// Timeline:
/// - `start(at:warmupFraction:)`: the first run is `at + warmup × fraction`.
/// - A success resets the retries; the next run is delay_loop after the run's planned start, so the
///   checker keeps its phase. keepalived counts from the result instead; with thousands of checkers
///   that lets results handled in one batch start their next runs together, and the bursts grow
///   every round. A run that overran its delay_loop counts from the result, as keepalived does.
///   A down checker comes up.
/// - A failure of an up checker with retries left uses one; the next run is delay_before_retry after
///   the result.
/// - A failure with no retries left marks the checker down; the next run is delay_loop later (as
///   after a success). So a checker goes down on its (retry + 1)th failure in a row, at the
///   earliest retry × delay_before_retry (plus the checks' own durations) after the first failure.
/// - A failure of a down checker changes nothing and uses no retries (retries exist to confirm that
///   an alive server failed, as keepalived's manual says); the next run is delay_loop later.
/// - alpha: the checker starts down and must pass once; without alpha it starts up.
public struct CheckerSchedule: Sendable, Hashable {
    public let delayLoop: Seconds
    /// Further attempts after a failure before an up checker is declared down.
    public let retry: Int
    public let delayBeforeRetry: Seconds
    /// The upper bound of the random delay before the first run.
    public let warmup: Seconds
    /// Start down, so the real server stays out of the pool until a check passes.
    public let alpha: Bool

    public private(set) var isUp: Bool
    /// Retries used since the last success or the last transition to down.
    public private(set) var retriesUsed: Int = 0
    public private(set) var hasRun = false
    /// When the checker runs next; nil before `start`.
    public private(set) var nextRun: CheckInstant?

    public init(delayLoop: Seconds, retry: Int, delayBeforeRetry: Seconds, warmup: Seconds, alpha: Bool) {
        self.delayLoop = max(delayLoop, Seconds(microseconds: 0))
        self.retry = max(retry, 0)
        self.delayBeforeRetry = max(delayBeforeRetry, Seconds(microseconds: 0))
        self.warmup = max(warmup, Seconds(microseconds: 0))
        self.alpha = alpha
        self.isUp = !alpha
    }

    /// The effective settings of a configured checker (already inherited from its real and virtual server).
    public init(timing: CheckerTiming) {
        self.init(
            delayLoop: timing.delayLoop.value, retry: timing.retry.value, delayBeforeRetry: timing.delayBeforeRetry.value,
            warmup: timing.warmup.value, alpha: timing.alpha.value)
    }

    /// The first run: a random share of warmup after `now`, so thousands of checkers do not fire at once.
    /// `warmupFraction` is a random number in 0...1 (clamped; NaN counts as 0). keepalived also waits
    /// a fixed second after start-up before any check; add that to `now` if wanted.
    @discardableResult
    public mutating func start(at now: CheckInstant, warmupFraction: Double) -> CheckInstant {
        let fraction = warmupFraction.isNaN ? 0 : min(max(warmupFraction, 0), 1)
        let scaled = (Double(warmup.microseconds) * fraction).rounded(.down)
        // Doubles near Int64.max round above it, and converting those would trap.
        let offset = scaled >= 9.2e18 ? warmup : Seconds(microseconds: Int64(scaled))
        let first = now + offset
        nextRun = first
        return first
    }

    /// Takes the result of one run, known at `now`, and says when to run next and what changed.
    public mutating func record(_ outcome: CheckOutcome, at now: CheckInstant) -> CheckerStep {
        let isFirstResult = !hasRun
        hasRun = true
        var transition: CheckerTransition?
        var weight: Int?
        var isRetry = false
        switch outcome {
        case .success, .successWithWeight:
            if case .successWithWeight(let requested) = outcome { weight = requested }
            retriesUsed = 0
            if !isUp { transition = .up }
            isUp = true
        case .failure:
            if isUp && retriesUsed < retry {
                retriesUsed += 1
                isRetry = true
            } else {
                retriesUsed = 0
                if isUp { transition = .down }
                isUp = false
            }
        }
        let next: CheckInstant
        if isRetry {
            next = now + delayBeforeRetry
        } else if let planned = nextRun, planned + delayLoop > now {
            next = planned + delayLoop
        } else {
            next = now + delayLoop
        }
        nextRun = next
        return CheckerStep(
            nextRun: next, nextRunIsRetry: isRetry, isUp: isUp, transition: transition, weight: weight, isFirstResult: isFirstResult)
    }
}
