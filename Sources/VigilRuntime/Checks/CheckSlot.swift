import VigilCheck
import VigilTelemetry

/// One configured checker inside the engine: its probe, its schedule, its metric series and what
/// it last found.
struct CheckSlot: Sendable {
    /// Its place moves when a reload inserts or removes checkers before it.
    var identity: CheckIdentity
    /// Unique for the engine's life: a probe that finishes after a reload finds its slot by it.
    let serial: Int
    let probe: any HealthProbe
    var schedule: CheckerSchedule
    /// Looked up once: each result would otherwise pay a labelled-series lookup per metric.
    let duration: HistogramSeries
    /// `vigil_checks_total` by result label, filled on each label's first use.
    var results: [String: CounterSeries] = [:]
    /// The check is running now; a due entry for it is skipped rather than run twice.
    var running = false
    var lastDuration: Duration?
    var lastResult: String?
}
