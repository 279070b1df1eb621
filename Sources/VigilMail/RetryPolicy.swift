/// How a failed delivery is classified for retrying (the transport's error, reduced to what matters here).
public enum DeliveryFailureKind: Sendable, Equatable {
    /// Network trouble, a timeout, a 4xx reply: worth retrying soon.
    case temporary
    /// The server refused this message or its recipients (5xx): the same message will fail again.
    case rejected
    /// Authentication or certificate refused: a setup problem someone may fix on the server side.
    case setup
}

/// What to do after a failed attempt.
public enum RetryDecision: Equatable, Sendable {
    case retry(after: Duration)
    case giveUp(GiveUpReason)
}

/// Why a message was dropped after failing.
public enum GiveUpReason: String, Sendable, Equatable {
    /// The server refused it permanently.
    case rejected
    /// Every attempt allowed was spent.
    case attempts
    /// The alert got too old to be worth sending.
    case age
}

/// Exponential backoff for mail delivery: 5 s, 10 s, 20 s, ... capped at 5 min.
///
/// Temporary failures follow the schedule. Refused messages (5xx) are dropped at once, since
/// resending the same bytes gets the same answer. Authentication and certificate failures are
/// permanent for the server but usually fixed within minutes by someone (a rotated password on
/// the server, a renewed certificate), so they retry at the capped interval rather than hammering
/// the server with bad credentials. Every message is dropped after `maxAttempts` or once older
/// than `maxAge`: an alert an hour late misleads more than it helps.
public struct RetryPolicy: Sendable, Equatable {
    public var initialDelay: Duration
    public var maxDelay: Duration
    public var maxAttempts: Int
    public var maxAge: Duration

    public init(
        initialDelay: Duration = .seconds(5), maxDelay: Duration = .seconds(300), maxAttempts: Int = 12,
        maxAge: Duration = .seconds(3600)
    ) {
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
        self.maxAge = maxAge
    }

    /// The wait after failed attempt number `attempt` (1 for the first) on the temporary schedule.
    public func delay(afterAttempt attempt: Int) -> Duration {
        var delay = initialDelay
        var step = 1
        while step < attempt && delay < maxDelay {
            delay = delay * 2
            step += 1
        }
        return min(delay, maxDelay)
    }

    /// What to do after attempt `attempt` failed with `kind`, the message having been queued for `age`.
    public func decide(afterAttempt attempt: Int, kind: DeliveryFailureKind, age: Duration) -> RetryDecision {
        if kind == .rejected { return .giveUp(.rejected) }
        if attempt >= maxAttempts { return .giveUp(.attempts) }
        let wait = kind == .setup ? maxDelay : delay(afterAttempt: attempt)
        if age + wait > maxAge { return .giveUp(.age) }
        return .retry(after: wait)
    }
}
