import Logging
import VigilCheck
import VigilConfig
import VigilCore
import VigilIPVS
import VigilTelemetry

/// The health-check engine: runs every checker on its schedule, turns results into real server
/// and quorum transitions, and keeps the kernel's IPVS table equal to the desired one.
///
/// One agenda (a min-heap of due checks) and one alarm serve every checker, so 10,000 real
/// servers cost one wake-up per batch of due checks, not one sleeping task each. Probes run in
/// their own tasks and report back here; a slow or hung probe delays nobody else.
public actor CheckEngine {
    public static let engineName = EngineName.checks.rawValue
    /// Due checks this close together run in one wake-up.
    static let batchWindow = Seconds(microseconds: 1_000)

    /// Replaced, with the slots and health below, by a reload (`reconfigure`).
    var virtualServers: [VirtualServer]
    var groups: [VirtualServerGroup]
    var nextSerial = 0
    var slots: [CheckerIndex: CheckSlot]
    var health: [VirtualServerHealth]
    var agenda = CheckAgenda<CheckerIndex>()
    let kernel: (any IPVSKernel)?
    /// The kernel's table follows the desired one through this actor; nil without IPVS.
    let reconciler: IPVSReconciler?
    var alarm: Task<Void, Never>?
    var alarmDue: CheckInstant?
    var stopped = false
    /// Monotonic time for schedules, alarms and probe durations (a manual clock in tests).
    let clock: any EngineClock
    let registry: MetricRegistry
    let progress: ProgressBoard
    let logger: Logger
    let scripts: LVSNotifier
    /// The event journal: refused IPVS operations (transitions reach it as a consumer).
    let events: EventJournal?
    /// Who hears of each real server and quorum change, in this order: metrics, the log, notify
    /// scripts, mail, the journal.
    let transitionConsumers: [any CheckTransitionConsumer]
    /// Alert mail for real servers going up or down; handed changes, never awaited.
    let mail: MailAlerts?

    let warmupFraction: @Sendable () -> Double

    /// `makeProbe` builds each checker's probe (ProbeFactory in the daemon, fakes in tests).
    init(
        configuration: Configuration,
        makeProbe: (Checker, RealServer, VirtualServer) -> any HealthProbe,
        kernel: (any IPVSKernel)?, registry: MetricRegistry, progress: ProgressBoard, logger: Logger,
        warmupFraction: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, mail: MailAlerts? = nil,
        events: EventJournal? = nil, clock: any EngineClock = MonotonicClock()
    ) {
        self.events = events
        self.clock = clock
        self.warmupFraction = warmupFraction
        self.mail = mail
        virtualServers = configuration.lvs.virtualServers
        groups = configuration.lvs.virtualServerGroups
        self.kernel = kernel
        reconciler = kernel.map { IPVSReconciler(kernel: $0, registry: registry, logger: logger, events: events) }
        self.registry = registry
        self.progress = progress
        self.logger = logger
        let scripts = LVSNotifier(registry: registry, logger: logger, scripts: configuration.global.globalDefs.scripts)
        self.scripts = scripts
        var consumers: [any CheckTransitionConsumer] = [
            CheckTransitionMetrics(registry: registry), CheckTransitionLog(logger: logger), scripts,
        ]
        if let mail { consumers.append(mail) }
        if let events { consumers.append(events) }
        transitionConsumers = consumers
        health = virtualServers.map { VirtualServerHealth(virtualServer: $0) }
        var slots: [CheckerIndex: CheckSlot] = [:]
        for (serial, identity) in CheckIdentity.all(in: virtualServers).enumerated() {
            slots[identity.index] = Self.makeSlot(identity, serial: serial, in: virtualServers, makeProbe: makeProbe, registry: registry)
        }
        self.slots = slots
        nextSerial = slots.count
    }

    static func makeSlot(
        _ identity: CheckIdentity, serial: Int, in virtualServers: [VirtualServer],
        makeProbe: (Checker, RealServer, VirtualServer) -> any HealthProbe, registry: MetricRegistry
    ) -> CheckSlot {
        let index = identity.index
        let server = virtualServers[index.virtualServer]
        let real = server.realServers[index.realServer]
        let checker = real.checkers[index.checker]
        let schedule = checker.timing.map(CheckerSchedule.init(timing:))
            ?? CheckerSchedule(
                delayLoop: real.delayLoop.value, retry: 0, delayBeforeRetry: real.delayLoop.value,
                warmup: Seconds(microseconds: 0), alpha: false)
        let labels = CheckerLabels(virtualServer: identity.virtualServer, realServer: identity.realServer, checker: identity.checker)
        return CheckSlot(
            identity: identity, serial: serial, probe: makeProbe(checker, real, server),
            schedule: schedule, duration: registry.histogram(CheckMetrics.checkDuration, labels))
    }

    /// Everything a checker's probe and schedule are built from: the checker block, and what it
    /// takes from its real server (address and port are in the slot's labels; delay_loop when the
    /// checker has no timing of its own; the weight a FILE_CHECK scales).
    /// The fingerprint of the checker at `index` of `servers`.
    static func fingerprint(at index: CheckerIndex, in servers: [VirtualServer]) -> String? {
        let real = servers[index.virtualServer].realServers[index.realServer]
        return fingerprint(real.checkers[index.checker], of: real)
    }

    static func fingerprint(_ checker: Checker, of real: RealServer) -> String? {
        guard let block = ConfigDump.fingerprint(checker) else { return nil }
        return "\(block) delay_loop=\(real.delayLoop.value.microseconds) weight=\(real.weight.value)"
    }

    var now: CheckInstant { CheckInstant(clock.now) }

    /// Publishes the starting state, programs IPVS and schedules every checker; returns at once.
    func start() async {
        registry.gauge(IPVSMetrics.available).set(kernel == nil ? 0 : 1)
        for (index, server) in virtualServers.enumerated() {
            publish(virtualServer: index)
            registry.gauge(CheckMetrics.realServersConfigured, VirtualServerLabels(virtualServer: CheckIdentity.label(of: server)))
                .set(server.realServers.count)
        }
        let start = now
        for index in slots.keys.sorted() {
            guard var slot = slots[index] else { continue }
            let due = slot.schedule.start(at: start, warmupFraction: warmupFraction())
            slots[index] = slot
            agenda.push(index, at: due)
        }
        logger.info(
            "health checks started",
            metadata: ["virtual_servers": "\(virtualServers.count)", "checkers": "\(slots.count)", "ipvs": "\(kernel == nil ? "unavailable" : "available")"])
        progress.beat(Self.engineName)
        await reconcile()
        arm()
    }

    /// Proves the engine answers (its loop beats too, on every batch it runs).
    func heartbeat() { progress.beat(Self.engineName) }

    /// Stops scheduling, and removes the IPVS services Vigil manages, as keepalived does on exit.
    func shutdown() async {
        stopped = true
        alarm?.cancel()
        alarm = nil
        await reconciler?.release()
    }

    // MARK: - Scheduling

    /// Sleeps until the earliest due check; one pending alarm at a time, replaced only when an
    /// earlier check is pushed.
    func arm() {
        guard !stopped, let due = agenda.nextDue else { return }
        if let alarmDue, alarmDue <= due, alarm != nil { return }
        alarm?.cancel()
        alarmDue = due
        let clock = clock
        alarm = Task { [weak self] in
            guard (try? await clock.sleep(until: .microseconds(due.microseconds))) != nil else { return }
            await self?.alarmFired()
        }
    }

    func alarmFired() {
        alarm = nil
        alarmDue = nil
        progress.beat(Self.engineName)
        let current = now
        for entry in agenda.popDue(at: current + Self.batchWindow) { launch(entry.id) }
        arm()
    }

    func launch(_ index: CheckerIndex) {
        guard !stopped, var slot = slots[index], !slot.running else { return }
        slot.running = true
        slots[index] = slot
        let probe = slot.probe
        let serial = slot.serial
        let clock = clock
        Task { [weak self] in
            let began = clock.now
            let outcome = await probe.run()
            await self?.record(outcome, for: index, serial: serial, took: clock.now - began)
        }
    }

    // MARK: - Results

    func record(_ outcome: CheckOutcome, for launched: CheckerIndex, serial: Int, took duration: Duration) async {
        // A reload may have moved the slot (or removed it: then the result is dropped).
        let found = slots[launched]?.serial == serial ? launched : slots.first { $0.value.serial == serial }?.key
        guard !stopped, let index = found, var slot = slots[index] else { return }
        let identity = slot.identity
        let step = slot.schedule.record(outcome, at: now)
        slot.running = false
        slot.lastDuration = duration
        slot.lastResult = outcome.resultLabel
        slot.duration.observe(duration.inSeconds)
        let results = slot.results[outcome.resultLabel] ?? registry.counter(
            CheckMetrics.checksTotal,
            CheckResultLabels(
                virtualServer: identity.virtualServer, realServer: identity.realServer, checker: identity.checker,
                result: outcome.resultLabel))
        results.increment()
        slot.results[outcome.resultLabel] = results
        slots[index] = slot
        agenda.push(index, at: step.nextRun)
        arm()

        if case .failure(let failure) = outcome, step.transition == nil, logsEveryFailure(index) {
            logger.warning("check failed", metadata: metadata(identity, ["reason": "\(failure.reason.rawValue)", "detail": "\(failure.detail)"]))
        }

        let change = health[index.virtualServer].update(realServer: index.realServer, checker: index.checker, step: step)
        guard !change.isEmpty else { return }
        for transition in change.realServer { report(transition, of: index, outcome: outcome, identity: identity) }
        if let quorum = change.quorum { report(quorum, virtualServer: index.virtualServer) }
        publish(virtualServer: index.virtualServer)
        await reconcile()
    }

    func logsEveryFailure(_ index: CheckerIndex) -> Bool {
        let real = virtualServers[index.virtualServer].realServers[index.realServer]
        return real.checkers[index.checker].timing?.logAllFailures.value ?? false
    }

    /// Emits a real server's change once to the consumers; a weight change is only logged.
    func report(_ transition: RealServerTransition, of index: CheckerIndex, outcome: CheckOutcome, identity: CheckIdentity) {
        let server = virtualServers[index.virtualServer]
        let real = server.realServers[index.realServer]
        switch transition {
        case .up:
            emit(.realServer(identity: identity, realServer: real, virtualServer: server, up: true, reason: "checks passed", detail: [:]))
        case .down:
            var detail: Logger.Metadata = [:]
            if case .failure(let failure) = outcome {
                detail["reason"] = "\(failure.reason.rawValue)"
                detail["detail"] = "\(failure.detail)"
            }
            emit(.realServer(identity: identity, realServer: real, virtualServer: server, up: false, reason: MailSetup.downReason(outcome), detail: detail))
        case .weightChanged(let from, let to, _):
            logger.info("real server weight changed", metadata: metadata(identity, ["from": "\(from)", "to": "\(to)"]))
        }
    }

    /// One order per real server of a virtual server: its notify_up and notify_down alternate.
    static func orderKey(_ identity: CheckIdentity) -> String { "\(identity.virtualServer) \(identity.realServer)" }

    func report(_ transition: QuorumTransition, virtualServer index: Int) {
        let server = virtualServers[index]
        emit(.quorum(virtualServer: server, label: CheckIdentity.label(of: server), gained: transition == .gained, liveWeight: health[index].liveWeight))
    }

    func emit(_ transition: CheckTransition) {
        for consumer in transitionConsumers { consumer.consume(transition) }
    }

    func metadata(_ identity: CheckIdentity, _ extra: Logger.Metadata) -> Logger.Metadata {
        CheckTransitionLog.metadata(identity, extra)
    }

    /// Sets the gauges of one virtual server and its real servers from the health now held.
    func publish(virtualServer index: Int) {
        let server = virtualServers[index]
        let state = health[index]
        let label = CheckIdentity.label(of: server)
        let serverLabels = VirtualServerLabels(virtualServer: label)
        var up = 0
        for (position, real) in server.realServers.enumerated() where !state.isRepeatedRealServer(position) {
            let realHealth = state.realServers[position]
            if realHealth.isUp { up += 1 }
            let labels = RealServerLabels(virtualServer: label, realServer: CheckIdentity.label(of: real))
            registry.gauge(CheckMetrics.realServerUp, labels).set(realHealth.isUp ? 1 : 0)
            registry.gauge(CheckMetrics.realServerWeight, labels).set(realHealth.isUp ? realHealth.weight : 0)
        }
        registry.gauge(CheckMetrics.realServersUp, serverLabels).set(up)
        registry.gauge(CheckMetrics.quorumUp, serverLabels).set(state.quorum.isUp ? 1 : 0)
        registry.gauge(CheckMetrics.sorryServerActive, serverLabels).set(server.sorryServer != nil && !state.quorum.isUp ? 1 : 0)
    }
}
