import Synchronization
import VigilTelemetry

/// The engines' heartbeats, shared: engines beat from their loops, /healthz and metrics read.
public final class ProgressBoard: Sendable {
    private let state: Mutex<EngineProgress>
    private let origin: ContinuousClock.Instant
    private let registry: MetricRegistry

    public init(engines: [EngineDeadline], registry: MetricRegistry) {
        state = Mutex(EngineProgress(engines))
        origin = ContinuousClock.now
        self.registry = registry
        for engine in engines { registry.gauge(DaemonMetrics.engineHealthy, EngineLabels(engine: engine.engine)).set(false) }
    }

    /// Records progress of `engine` now.
    public func beat(_ engine: String) {
        let now = ContinuousClock.now - origin
        state.withLock { $0.beat(engine, at: now) }
        registry.gauge(DaemonMetrics.engineLastProgress, EngineLabels(engine: engine)).set(WallClock.now())
    }

    /// Every engine's health now; also refreshes `vigil_engine_healthy`.
    public func report() -> [EngineHealth] {
        let now = ContinuousClock.now - origin
        let report = state.withLock { $0.report(at: now) }
        for engine in report {
            registry.gauge(DaemonMetrics.engineHealthy, EngineLabels(engine: engine.engine)).set(engine.healthy)
        }
        return report
    }
}
