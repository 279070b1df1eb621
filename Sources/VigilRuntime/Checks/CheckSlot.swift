import VigilCheck

/// One configured checker inside the engine: its probe, its schedule and what it last found.
struct CheckSlot: Sendable {
    let identity: CheckIdentity
    let probe: any HealthProbe
    var schedule: CheckerSchedule
    /// The check is running now; a due entry for it is skipped rather than run twice.
    var running = false
    var lastDuration: Duration?
    var lastResult: String?
}
