/// A checker changing between up and down.
public enum CheckerTransition: Sendable, Hashable {
    case up
    case down
}

/// What one recorded result means: when to run next, and whether the checker changed.
public struct CheckerStep: Sendable, Hashable {
    /// When the checker should run again.
    public let nextRun: CheckInstant
    /// Whether that next run is a retry (delay_before_retry) rather than the regular delay_loop run.
    public let nextRunIsRetry: Bool
    /// The checker's state after this result.
    public let isUp: Bool
    /// Set when this result changed the checker's state.
    public let transition: CheckerTransition?
    /// The weight a passing MISC_CHECK with misc_dynamic (or a dynamic FILE_CHECK) asked for.
    public let weight: Int?
    /// True for the checker's first result, which keepalived reports even without a change
    /// (an alpha checker failing at start runs notify_down).
    public let isFirstResult: Bool

    public init(
        nextRun: CheckInstant, nextRunIsRetry: Bool, isUp: Bool, transition: CheckerTransition?, weight: Int?, isFirstResult: Bool
    ) {
        self.nextRun = nextRun
        self.nextRunIsRetry = nextRunIsRetry
        self.isUp = isUp
        self.transition = transition
        self.weight = weight
        self.isFirstResult = isFirstResult
    }
}
