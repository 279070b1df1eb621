/// Seconds as used by configuration timers (keepalived's <TIMER>: fractional seconds, microsecond resolution).
public struct Seconds: Hashable, Sendable, Comparable, CustomStringConvertible, Encodable {
    public let microseconds: Int64

    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// Rounds to the microsecond; clamps values beyond about 292,000 years and maps NaN to 0, so no input can trap.
    public init(_ seconds: Double) {
        let scaled = (seconds * 1_000_000).rounded()
        if scaled.isNaN {
            microseconds = 0
        } else if scaled >= 9.2e18 {
            microseconds = Int64.max
        } else if scaled <= -9.2e18 {
            microseconds = Int64.min
        } else {
            microseconds = Int64(scaled)
        }
    }

    public var seconds: Double { Double(microseconds) / 1_000_000 }

    public var description: String {
        if microseconds % 1_000_000 == 0 { return "\(microseconds / 1_000_000)s" }
        return "\(seconds)s"
    }

    public static func < (lhs: Seconds, rhs: Seconds) -> Bool { lhs.microseconds < rhs.microseconds }

    /// Encodes as a number of seconds, so dumps read naturally (`"advert_int": 1`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if microseconds % 1_000_000 == 0 {
            try container.encode(microseconds / 1_000_000)
        } else {
            try container.encode(seconds)
        }
    }
}
