#if canImport(Glibc)
import Glibc
#endif

/// Real (wall) time, for timestamps people and Prometheus read; intervals use ContinuousClock.
public enum WallClock {
    /// Seconds since the Unix epoch.
    public static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }

    /// RFC 3339 in UTC with milliseconds, e.g. `2026-11-25T05:45:38.123Z`.
    public static func rfc3339(_ epochSeconds: Double) -> String {
        // Whole milliseconds first: subtracting seconds from a large double loses the last digit.
        let total = Int64((epochSeconds * 1000).rounded(.down))
        var seconds = time_t(total / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let milliseconds = Int(total % 1000)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(milliseconds), 3))Z"
    }
}

