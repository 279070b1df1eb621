import VigilCore

/// A point in time for the check core: microseconds since an origin the engine chooses (its start,
/// read from a monotonic clock), so schedules never read a clock themselves.
public struct CheckInstant: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The instant `elapsed` after the origin; rounds down to the microsecond and saturates.
    public init(_ elapsed: Duration) {
        let (seconds, attoseconds) = elapsed.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        if overflow {
            microseconds = seconds < 0 ? Int64.min : Int64.max
        } else {
            microseconds = whole.saturatingAdd(attoseconds / 1_000_000_000_000)
        }
    }

    public static let zero = CheckInstant(microseconds: 0)

    public var description: String { Seconds(microseconds: microseconds).description }

    public static func < (lhs: CheckInstant, rhs: CheckInstant) -> Bool { lhs.microseconds < rhs.microseconds }

    /// Saturates instead of trapping, since timers come from configuration (delay_loop may be huge).
    public static func + (instant: CheckInstant, delay: Seconds) -> CheckInstant {
        CheckInstant(microseconds: instant.microseconds.saturatingAdd(delay.microseconds))
    }

    /// The time from `earlier` to `later`, saturating.
    public static func - (later: CheckInstant, earlier: CheckInstant) -> Seconds {
        let (difference, overflow) = later.microseconds.subtractingReportingOverflow(earlier.microseconds)
        if overflow { return Seconds(microseconds: later.microseconds < earlier.microseconds ? Int64.min : Int64.max) }
        return Seconds(microseconds: difference)
    }
}

extension Int64 {
    func saturatingAdd(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        if overflow { return other < 0 ? Int64.min : Int64.max }
        return sum
    }
}
