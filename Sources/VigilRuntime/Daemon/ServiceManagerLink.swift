import Logging
import Synchronization
import VigilPlatform
import VigilTelemetry

/// vigild's side of systemd's notify protocol: READY, STATUS, RELOADING, STOPPING and a watchdog
/// that is fed only while every engine proves progress.
///
/// keepalived never sends WATCHDOG=1, so a hung checker went unnoticed for hours; here a stalled
/// engine stops the keep-alives, systemd restarts vigild, and the log and metrics say which engine.
public final class ServiceManagerLink: Sendable {
    let socket: ServiceManagerSocket
    let policy: WatchdogPolicy
    private let progress: ProgressBoard
    private let registry: MetricRegistry
    private let logger: Logger
    /// Engines holding the pings back at the last tick, so a stall is logged once, not per tick.
    private let stalled = Mutex<Set<String>>([])
    /// A broken socket is reported once, not every tick.
    private let sendFailed = Mutex(false)

    public init(
        socket: ServiceManagerSocket, policy: WatchdogPolicy, progress: ProgressBoard, engines: [String], registry: MetricRegistry,
        logger: Logger
    ) {
        self.socket = socket
        self.policy = policy
        self.progress = progress
        self.registry = registry
        self.logger = logger
        registry.gauge(WatchdogMetrics.interval).set(policy.interval?.inSeconds ?? 0)
        registry.counter(WatchdogMetrics.pingsTotal).increment(by: 0)
        registry.gauge(WatchdogMetrics.lastPing).set(0)
        for engine in engines {
            registry.gauge(WatchdogMetrics.stalled, EngineLabels(engine: engine)).set(false)
            registry.counter(WatchdogMetrics.withheldTotal, EngineLabels(engine: engine)).increment(by: 0)
        }
    }

    /// Startup is complete.
    public func ready(_ status: ServiceStatusLine) {
        send(.ready(status: status.text))
    }

    /// A reload begins; `finished` with READY=1 must follow.
    public func reloading(_ status: ServiceStatusLine) {
        var status = status
        status.note = "reloading"
        send(.reloading(monotonicMicroseconds: ServiceManagerSocket.monotonicMicroseconds(), status: status.text))
    }

    /// Shutdown begins.
    public func stopping() {
        send(.stopping(status: "stopping: releasing virtual addresses"))
    }

    /// A fresh summary line.
    public func status(_ status: ServiceStatusLine) {
        send(.status(status.text))
    }

    /// Feeds the watchdog every half interval while the engines make progress; returns when cancelled.
    public func runWatchdog() async {
        guard let period = policy.pingPeriod else { return }
        logger.info("systemd watchdog on", metadata: ["interval": "\(policy.interval?.inSeconds ?? 0) s"])
        // The first tick waits one period: the engines start beating with this task, not before it.
        // Deadlines on a fixed rate, so the time a tick takes does not add up into longer gaps.
        let clock = ContinuousClock()
        var next = clock.now + period
        while !Task.isCancelled {
            try? await Task.sleep(until: next, clock: clock)
            if Task.isCancelled { return }
            tick()
            next += period
            if next < clock.now { next = clock.now + period }
        }
    }

    /// One watchdog tick: ping, or withhold and say which engines stalled.
    func tick() {
        let verdict = WatchdogPolicy.verdict(progress.report())
        let now: Set<String>
        switch verdict {
        case .ping:
            now = []
            send(.watchdog)
            registry.counter(WatchdogMetrics.pingsTotal).increment()
            registry.gauge(WatchdogMetrics.lastPing).set(WallClock.now())
        case .withhold(let engines):
            now = Set(engines)
            for engine in engines { registry.counter(WatchdogMetrics.withheldTotal, EngineLabels(engine: engine)).increment() }
        }
        let before = stalled.withLock { previous in
            defer { previous = now }
            return previous
        }
        for engine in now.subtracting(before).sorted() {
            registry.gauge(WatchdogMetrics.stalled, EngineLabels(engine: engine)).set(true)
            logger.critical(
                "watchdog keep-alives withheld: engine made no progress; systemd will restart vigild if it stays stalled",
                metadata: ["engine": "\(engine)", "deadline": "\(policy.engineDeadline)"])
        }
        for engine in before.subtracting(now).sorted() {
            registry.gauge(WatchdogMetrics.stalled, EngineLabels(engine: engine)).set(false)
            logger.warning("engine makes progress again; watchdog keep-alives resume", metadata: ["engine": "\(engine)"])
        }
    }

    private func send(_ notification: ServiceNotification) {
        let problem = socket.send(notification)
        let firstFailure = sendFailed.withLock { failed in
            defer { failed = problem != nil }
            return problem != nil && !failed
        }
        if firstFailure, let problem {
            logger.warning("cannot notify systemd", metadata: ["socket": "NOTIFY_SOCKET", "error": "\(problem)"])
        }
    }
}
