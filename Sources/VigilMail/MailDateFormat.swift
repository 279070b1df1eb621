/// Dates for mail headers and bodies, computed from seconds since the Unix epoch (no clock read here).
public enum MailDateFormat {
    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// RFC 5322 section 3.3 in UTC, e.g. `Wed, 25 Nov 2026 11:39:49 +0000`.
    public static func rfc5322(_ epochSeconds: Double) -> String {
        let time = CivilTime(epochSeconds)
        return "\(weekdays[time.weekday]), \(time.day) \(months[time.month - 1]) \(time.year) "
            + "\(pad(time.hour)):\(pad(time.minute)):\(pad(time.second)) +0000"
    }

    /// RFC 3339 in UTC to the second, e.g. `2026-11-25T11:39:49Z`.
    public static func rfc3339(_ epochSeconds: Double) -> String {
        let time = CivilTime(epochSeconds)
        return "\(pad(time.year, 4))-\(pad(time.month))-\(pad(time.day))T\(pad(time.hour)):\(pad(time.minute)):\(pad(time.second))Z"
    }

    private static func pad(_ value: Int, _ width: Int = 2) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// A UTC calendar date and time from epoch seconds (proleptic Gregorian, Howard Hinnant's days-from-civil inverse).
struct CivilTime: Equatable {
    let year: Int
    let month: Int
    let day: Int
    let hour: Int
    let minute: Int
    let second: Int
    /// 0 = Monday.
    let weekday: Int

    init(_ epochSeconds: Double) {
        // Out-of-range input (NaN, huge) becomes the epoch rather than trapping on conversion.
        let bounded = epochSeconds.isFinite && abs(epochSeconds) < 1e13 ? epochSeconds : 0
        let total = Int(bounded.rounded(.down))
        var days = total / 86_400
        var rest = total % 86_400
        if rest < 0 {
            rest += 86_400
            days -= 1
        }
        hour = rest / 3600
        minute = rest % 3600 / 60
        second = rest % 60
        // 1970-01-01 was a Thursday (3 with Monday = 0).
        weekday = ((days % 7) + 7 + 3) % 7
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    }
}
