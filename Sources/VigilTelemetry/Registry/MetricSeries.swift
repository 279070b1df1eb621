import VigilCore
import Prometheus

/// One counter series; only ever goes up.
public struct CounterSeries: Sendable {
    let counter: Counter?

    /// Adds `amount`; negative amounts are ignored because a counter never goes down.
    public func increment(by amount: Int = 1) {
        guard amount > 0 else { return }
        counter?.increment(by: Int64(amount))
    }

    /// Adds a fractional amount (CPU seconds, bytes read as doubles); negative or NaN is ignored.
    public func increment(by amount: Double) {
        guard amount > 0, amount.isFinite else { return }
        counter?.increment(by: amount)
    }
}

/// One gauge series.
public struct GaugeSeries: Sendable {
    let gauge: Gauge?

    public func set(_ value: Double) { gauge?.set(to: value) }
    public func set(_ value: Int) { gauge?.set(to: Double(value)) }
    public func set(_ flag: Bool) { gauge?.set(to: flag ? 1 : 0) }
    public func increment(by amount: Double = 1) { gauge?.increment(by: amount) }
    public func decrement(by amount: Double = 1) { gauge?.decrement(by: amount) }
}

/// One histogram series.
public struct HistogramSeries: Sendable {
    let histogram: ValueHistogram?

    /// Records one observation in the family's unit (seconds for durations).
    public func observe(_ value: Double) {
        guard value.isFinite else { return }
        histogram?.record(value)
    }

    /// Records a duration in seconds.
    public func observe(_ duration: Duration) {
        observe(duration.inSeconds)
    }
}
