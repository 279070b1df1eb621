/// The RFC 5798 §6.1 timer formulas, on Duration so nothing is rounded.
///
/// keepalived uses the RFC 5798 Skew_Time (scaled by the interval) for VRRPv2 as well, rather than
/// RFC 3768's interval-independent one; we do the same so both agree on who wins a race.
public enum VRRPTiming {
    /// The shortest interval VRRPv3 can carry (one centisecond).
    public static let minimumInterval: Duration = .milliseconds(10)
    /// The longest interval VRRPv2 can carry.
    public static let maximumInterval: Duration = .seconds(255)

    /// Skew_Time = ((256 - Priority) × Master_Adver_Interval) / 256.
    public static func skewTime(priority: UInt8, masterAdvertisementInterval: Duration) -> Duration {
        masterAdvertisementInterval * (256 - Int(priority)) / 256
    }

    /// Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time (3 being down_timer_adverts).
    public static func masterDownInterval(
        priority: UInt8, masterAdvertisementInterval: Duration, downTimerAdverts: Int = 3
    ) -> Duration {
        masterAdvertisementInterval * downTimerAdverts
            + skewTime(priority: priority, masterAdvertisementInterval: masterAdvertisementInterval)
    }

    /// Keeps an interval where the formulas make sense, whatever a packet or a config said.
    static func clampedInterval(_ interval: Duration) -> Duration {
        min(max(interval, minimumInterval), maximumInterval)
    }
}
