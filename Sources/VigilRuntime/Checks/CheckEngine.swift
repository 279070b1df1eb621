#if canImport(Glibc)
import Glibc
#endif
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
    public static let engineName = "checks"
    /// Due checks this close together run in one wake-up.
    static let batchWindow = Seconds(microseconds: 1_000)
    /// keepalived re-reads nothing; we re-read the kernel's table this often to repair drift
    /// (someone ran `ipvsadm -C`), planning from what the kernel really has.
    static let resyncEvery = Duration.seconds(30)

    /// Replaced, with the slots and health below, by a reload (`reconfigure`).
    private(set) var virtualServers: [VirtualServer]
    private(set) var groups: [VirtualServerGroup]
    private var nextSerial = 0
    private var slots: [CheckerIndex: CheckSlot]
    private var health: [VirtualServerHealth]
    private var agenda = CheckAgenda<CheckerIndex>()
    private let kernel: (any IPVSKernel)?
    /// What the kernel holds as far as we know: the last snapshot plus the operations it accepted.
    private var applied = IPVSTable()
    /// The services Vigil created or wants; others in the kernel are someone else's and stay.
    private var managed: Set<IPVSServiceKey> = []
    private var reconciling = false
    private var reconcileAgain = false
    private var lastResync: ContinuousClock.Instant?
    private var alarm: Task<Void, Never>?
    private var alarmDue: CheckInstant?
    private var stopped = false
    private let origin = ContinuousClock.now
    private let registry: MetricRegistry
    private let progress: ProgressBoard
    private let logger: Logger
    private let scripts: LVSNotifier
    /// Alert mail for real servers going up or down; handed changes, never awaited.
    private let mail: MailAlerts?

    private let warmupFraction: @Sendable () -> Double

    /// `makeProbe` builds each checker's probe (ProbeFactory in the daemon, fakes in tests).
    init(
        configuration: Configuration,
        makeProbe: (Checker, RealServer, VirtualServer) -> any HealthProbe,
        kernel: (any IPVSKernel)?, registry: MetricRegistry, progress: ProgressBoard, logger: Logger,
        warmupFraction: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }, mail: MailAlerts? = nil
    ) {
        self.warmupFraction = warmupFraction
        self.mail = mail
        virtualServers = configuration.lvs.virtualServers
        groups = configuration.lvs.virtualServerGroups
        self.kernel = kernel
        self.registry = registry
        self.progress = progress
        self.logger = logger
        scripts = LVSNotifier(registry: registry, logger: logger, scripts: configuration.global.globalDefs.scripts)
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

    private var now: CheckInstant { CheckInstant(ContinuousClock.now - origin) }

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
        guard let kernel, !managed.isEmpty else { return }
        let deletions = IPVSPlanner.plan(desired: IPVSTable(), actual: applied, managed: managed)
        let failures = await kernel.apply(deletions)
        count(deletions, failures)
        logger.info("released IPVS services", metadata: ["services": "\(managed.count)"])
    }

    // MARK: - Scheduling

    /// Sleeps until the earliest due check; one pending alarm at a time, replaced only when an
    /// earlier check is pushed.
    private func arm() {
        guard !stopped, let due = agenda.nextDue else { return }
        if let alarmDue, alarmDue <= due, alarm != nil { return }
        alarm?.cancel()
        alarmDue = due
        let deadline = origin + .microseconds(due.microseconds)
        alarm = Task { [weak self] in
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
            await self?.alarmFired()
        }
    }

    private func alarmFired() {
        alarm = nil
        alarmDue = nil
        progress.beat(Self.engineName)
        let current = now
        for entry in agenda.popDue(at: current + Self.batchWindow) { launch(entry.id) }
        arm()
    }

    private func launch(_ index: CheckerIndex) {
        guard !stopped, var slot = slots[index], !slot.running else { return }
        slot.running = true
        slots[index] = slot
        let probe = slot.probe
        let serial = slot.serial
        Task { [weak self] in
            let began = ContinuousClock.now
            let outcome = await probe.run()
            await self?.record(outcome, for: index, serial: serial, took: ContinuousClock.now - began)
        }
    }

    // MARK: - Results

    private func record(_ outcome: CheckOutcome, for launched: CheckerIndex, serial: Int, took duration: Duration) async {
        // A reload may have moved the slot (or removed it: then the result is dropped).
        let found = slots[launched]?.serial == serial ? launched : slots.first { $0.value.serial == serial }?.key
        guard !stopped, let index = found, var slot = slots[index] else { return }
        let identity = slot.identity
        let step = slot.schedule.record(outcome, at: now)
        slot.running = false
        slot.lastDuration = duration
        slot.lastResult = outcome.resultLabel
        slot.duration.observe(Self.seconds(duration))
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

    private func logsEveryFailure(_ index: CheckerIndex) -> Bool {
        let real = virtualServers[index.virtualServer].realServers[index.realServer]
        return real.checkers[index.checker].timing?.logAllFailures.value ?? false
    }

    private func report(_ transition: RealServerTransition, of index: CheckerIndex, outcome: CheckOutcome, identity: CheckIdentity) {
        let server = virtualServers[index.virtualServer]
        let real = server.realServers[index.realServer]
        switch transition {
        case .up:
            count(transitionOf: identity, to: "up")
            logger.notice("real server is up", metadata: metadata(identity, [:]))
            mail?.realServerChanged(MailSetup.realServerKey(real, of: server), up: true, reason: "checks passed")
            if let script = real.notifyUp?.value { scripts.run(script, keyword: "notify_up", virtualServer: identity.virtualServer, orderKey: Self.orderKey(identity)) }
        case .down:
            count(transitionOf: identity, to: "down")
            var extra: Logger.Metadata = [:]
            if case .failure(let failure) = outcome {
                extra["reason"] = "\(failure.reason.rawValue)"
                extra["detail"] = "\(failure.detail)"
            }
            logger.warning("real server is down", metadata: metadata(identity, extra))
            mail?.realServerChanged(MailSetup.realServerKey(real, of: server), up: false, reason: MailSetup.downReason(outcome))
            if let script = real.notifyDown?.value { scripts.run(script, keyword: "notify_down", virtualServer: identity.virtualServer, orderKey: Self.orderKey(identity)) }
        case .weightChanged(let from, let to, _):
            logger.info("real server weight changed", metadata: metadata(identity, ["from": "\(from)", "to": "\(to)"]))
        }
    }

    /// One order per real server of a virtual server: its notify_up and notify_down alternate.
    static func orderKey(_ identity: CheckIdentity) -> String { "\(identity.virtualServer) \(identity.realServer)" }

    private func count(transitionOf identity: CheckIdentity, to: String) {
        registry.counter(
            CheckMetrics.realServerTransitionsTotal,
            RealServerTransitionLabels(virtualServer: identity.virtualServer, realServer: identity.realServer, to: to)
        ).increment()
    }

    private func report(_ transition: QuorumTransition, virtualServer index: Int) {
        let server = virtualServers[index]
        let label = CheckIdentity.label(of: server)
        let weight = health[index].liveWeight
        switch transition {
        case .gained:
            logger.notice("virtual server gained its quorum", metadata: ["virtual_server": "\(label)", "live_weight": "\(weight)"])
            if let script = server.quorumUp?.value { scripts.run(script, keyword: "quorum_up", virtualServer: label, orderKey: "quorum \(label)") }
        case .lost:
            logger.warning("virtual server lost its quorum", metadata: ["virtual_server": "\(label)", "live_weight": "\(weight)"])
            if let script = server.quorumDown?.value { scripts.run(script, keyword: "quorum_down", virtualServer: label, orderKey: "quorum \(label)") }
        }
    }

    private func metadata(_ identity: CheckIdentity, _ extra: Logger.Metadata) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "virtual_server": "\(identity.virtualServer)", "real_server": "\(identity.realServer)", "checker": "\(identity.checker)",
        ]
        metadata.merge(extra) { $1 }
        return metadata
    }

    /// Sets the gauges of one virtual server and its real servers from the health now held.
    private func publish(virtualServer index: Int) {
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

    // MARK: - IPVS

    /// Brings the kernel to the desired table; one pass at a time, and a change during a pass
    /// triggers one more, so the kernel always ends on the latest health.
    private func reconcile() async {
        guard let kernel else { return }
        if reconciling {
            reconcileAgain = true
            return
        }
        reconciling = true
        defer { reconciling = false }
        repeat {
            reconcileAgain = false
            if lastResync.map({ ContinuousClock.now - $0 >= Self.resyncEvery }) ?? true {
                do {
                    applied = try await kernel.snapshot().table
                    lastResync = ContinuousClock.now
                } catch {
                    logger.error("cannot read the IPVS table", metadata: ["error": "\(error)"])
                }
            }
            let desired = DesiredIPVSTable.make(virtualServers: virtualServers, groups: groups, health: health)
            managed.formUnion(desired.services.keys)
            let operations = IPVSPlanner.plan(desired: desired, actual: applied, managed: managed)
            registry.gauge(IPVSMetrics.lastReconcileTimestamp).set(WallClock.now())
            guard !operations.isEmpty else { continue }
            let failures = await kernel.apply(operations)
            count(operations, failures)
            for operation in operations where !failures.contains(where: { $0.operation == operation }) {
                logger.info("ipvs: \(operation)")
            }
            for failure in failures {
                logger.error("ipvs change refused", metadata: ["operation": "\(failure.operation)", "error": "\(failure.reason)"])
            }
            if failures.isEmpty {
                applied = desired.merging(unmanagedFrom: applied, managed: managed)
            } else {
                // Plan from the kernel's real table next time rather than guess which parts stuck.
                lastResync = nil
            }
        } while reconcileAgain
    }

    private func count(_ operations: [IPVSOperation], _ failures: [IPVSOperationFailure]) {
        for operation in operations {
            let failed = failures.contains { $0.operation == operation }
            registry.counter(
                IPVSMetrics.operationsTotal, IPVSOperationLabels(operation: operation.metricName, result: failed ? "error" : "ok")
            ).increment()
        }
    }

    /// Re-reads the table every `resyncEvery` even without a change, from the heartbeat.
    func resyncIfDue() async {
        guard !stopped, kernel != nil, lastResync.map({ ContinuousClock.now - $0 >= Self.resyncEvery }) ?? true else { return }
        await reconcile()
    }

    // MARK: - Reload

    /// Applies a reloaded configuration. A checker whose labels (virtual server, real server,
    /// checker) and settings are unchanged keeps its slot: schedule phase, retries, up or down, the
    /// real server's health and its counters. New or changed checkers start as at startup (with
    /// warmup); removed ones stop (a probe still in flight is ignored when it returns). Virtual
    /// server settings flow through the desired table, and one reconcile sends the kernel only the
    /// differences. Returns one line per virtual server added, removed or changed.
    func reconfigure(
        configuration: Configuration, makeProbe: (Checker, RealServer, VirtualServer) -> any HealthProbe
    ) async -> [String] {
        guard !stopped else { return [] }
        scripts.reconfigure(configuration.global.globalDefs.scripts)
        let oldServers = virtualServers
        let oldHealth = health
        let newServers = configuration.lvs.virtualServers
        var oldSlots: [SlotKey: CheckSlot] = [:]
        for slot in slots.values { oldSlots[SlotKey(slot.identity)] = slot }
        var newSlots: [CheckerIndex: CheckSlot] = [:]
        var carried: [CheckerIndex: CheckerIndex] = [:]
        var newKeys: Set<SlotKey> = []
        for identity in CheckIdentity.all(in: newServers) {
            let key = SlotKey(identity)
            newKeys.insert(key)
            let real = newServers[identity.index.virtualServer].realServers[identity.index.realServer]
            let print = Self.fingerprint(real.checkers[identity.index.checker], of: real)
            // The old settings are read from the configuration being replaced, so start-up never
            // pays for fingerprints only a reload compares.
            if var slot = oldSlots[key], print != nil, print == Self.fingerprint(at: slot.identity.index, in: oldServers) {
                carried[identity.index] = slot.identity.index
                slot.identity = identity
                newSlots[identity.index] = slot
            } else {
                newSlots[identity.index] = Self.makeSlot(identity, serial: nextSerial, in: newServers, makeProbe: makeProbe, registry: registry)
                nextSerial += 1
            }
        }
        for (key, slot) in oldSlots where !newKeys.contains(key) { forgetSeries(of: slot) }

        var newHealth = newServers.map { VirtualServerHealth(virtualServer: $0) }
        for (index, old) in carried {
            let was = oldHealth[old.virtualServer].realServers[old.realServer]
            _ = newHealth[index.virtualServer].update(
                realServer: index.realServer, checker: index.checker, isUp: was.checkersUp[old.checker], weight: was.dynamicWeight)
        }
        let changes = describeChanges(from: oldServers, oldHealth: oldHealth, to: newServers, newHealth: newHealth)

        virtualServers = newServers
        groups = configuration.lvs.virtualServerGroups
        health = newHealth
        slots = newSlots
        agenda = CheckAgenda()
        let start = now
        for index in newSlots.keys.sorted() {
            guard var slot = slots[index] else { continue }
            if carried[index] == nil {
                agenda.push(index, at: slot.schedule.start(at: start, warmupFraction: warmupFraction()))
                slots[index] = slot
            } else if !slot.running {
                agenda.push(index, at: slot.schedule.nextRun ?? start)
            }
        }
        alarm?.cancel()
        alarm = nil
        alarmDue = nil
        for (index, server) in virtualServers.enumerated() {
            publish(virtualServer: index)
            registry.gauge(CheckMetrics.realServersConfigured, VirtualServerLabels(virtualServer: CheckIdentity.label(of: server)))
                .set(server.realServers.count)
        }
        logger.info(
            "health checks reconfigured",
            metadata: [
                "virtual_servers": "\(virtualServers.count)", "checkers": "\(slots.count)", "kept": "\(carried.count)",
                "started": "\(slots.count - carried.count)", "stopped": "\(oldSlots.count - carried.count)",
            ])
        await reconcile()
        arm()
        return changes
    }

    /// A checker's labels: what survives a reload that moves it.
    private struct SlotKey: Hashable {
        let virtualServer: String
        let realServer: String
        let checker: String
        init(_ identity: CheckIdentity) {
            virtualServer = identity.virtualServer
            realServer = identity.realServer
            checker = identity.checker
        }
    }

    private func forgetSeries(of slot: CheckSlot) {
        let identity = slot.identity
        registry.remove(
            CheckMetrics.checkDuration,
            CheckerLabels(virtualServer: identity.virtualServer, realServer: identity.realServer, checker: identity.checker))
        for result in slot.results.keys {
            registry.remove(
                CheckMetrics.checksTotal,
                CheckResultLabels(
                    virtualServer: identity.virtualServer, realServer: identity.realServer, checker: identity.checker, result: result))
        }
    }

    /// Logs (and returns) one line per virtual server added, removed or changed, drops the series
    /// of what left, and reports real servers and quorums whose state the new checkers changed.
    private func describeChanges(
        from oldServers: [VirtualServer], oldHealth: [VirtualServerHealth], to newServers: [VirtualServer],
        newHealth: [VirtualServerHealth]
    ) -> [String] {
        var lines: [String] = []
        var before: [String: Int] = [:]
        for (index, server) in oldServers.enumerated() { before[CheckIdentity.label(of: server)] = index }
        var seen: Set<String> = []
        for (index, server) in newServers.enumerated() {
            let label = CheckIdentity.label(of: server)
            seen.insert(label)
            guard let old = before[label] else {
                logger.notice("virtual_server added", metadata: ["virtual_server": "\(label)"])
                lines.append("virtual_server added \(label)")
                continue
            }
            let oldServer = oldServers[old]
            var realBefore: [String: Int] = [:]
            for (position, real) in oldServer.realServers.enumerated() { realBefore[CheckIdentity.label(of: real)] = position }
            var realSeen: Set<String> = []
            for (position, real) in server.realServers.enumerated() where !newHealth[index].isRepeatedRealServer(position) {
                let realLabel = CheckIdentity.label(of: real)
                realSeen.insert(realLabel)
                guard let was = realBefore[realLabel], !oldHealth[old].isRepeatedRealServer(was) else { continue }
                let isUp = newHealth[index].realServers[position].isUp
                guard oldHealth[old].realServers[was].isUp != isUp else { continue }
                registry.counter(
                    CheckMetrics.realServerTransitionsTotal,
                    RealServerTransitionLabels(virtualServer: label, realServer: realLabel, to: isUp ? "up" : "down")
                ).increment()
                logger.notice(
                    isUp ? "real server is up" : "real server is down",
                    metadata: ["virtual_server": "\(label)", "real_server": "\(realLabel)", "reason": "reload"])
            }
            for real in oldServer.realServers where !realSeen.contains(CheckIdentity.label(of: real)) {
                registry.remove(CheckMetrics.realServerUp, RealServerLabels(virtualServer: label, realServer: CheckIdentity.label(of: real)))
                registry.remove(CheckMetrics.realServerWeight, RealServerLabels(virtualServer: label, realServer: CheckIdentity.label(of: real)))
            }
            if oldHealth[old].quorum.isUp != newHealth[index].quorum.isUp {
                logger.notice(
                    newHealth[index].quorum.isUp ? "virtual server gained its quorum" : "virtual server lost its quorum",
                    metadata: ["virtual_server": "\(label)", "reason": "reload"])
            }
            if ConfigDump.fingerprint(oldServer) != ConfigDump.fingerprint(server) || ConfigDump.fingerprint(oldServer) == nil {
                logger.notice("virtual_server changed", metadata: ["virtual_server": "\(label)"])
                lines.append("virtual_server changed \(label)")
            }
        }
        for server in oldServers where !seen.contains(CheckIdentity.label(of: server)) {
            let label = CheckIdentity.label(of: server)
            let labels = VirtualServerLabels(virtualServer: label)
            for definition in [CheckMetrics.realServersUp, CheckMetrics.quorumUp, CheckMetrics.sorryServerActive, CheckMetrics.realServersConfigured] {
                registry.remove(definition, labels)
            }
            for real in server.realServers {
                registry.remove(CheckMetrics.realServerUp, RealServerLabels(virtualServer: label, realServer: CheckIdentity.label(of: real)))
                registry.remove(CheckMetrics.realServerWeight, RealServerLabels(virtualServer: label, realServer: CheckIdentity.label(of: real)))
            }
            logger.notice("virtual_server removed", metadata: ["virtual_server": "\(label)"])
            lines.append("virtual_server removed \(label)")
        }
        return lines
    }

    // MARK: - Status

    /// What /status shows for each real server: health, weight and the last check.
    func liveStatus() -> [String: RealServerLive] {
        // One pass over the checkers, so /status stays linear in their number.
        var checks: [Pair: [CheckSlot]] = [:]
        for slot in slots.values {
            checks[Pair(slot.identity.index.virtualServer, slot.identity.index.realServer), default: []].append(slot)
        }
        var result: [String: RealServerLive] = [:]
        for (index, server) in virtualServers.enumerated() {
            let label = CheckIdentity.label(of: server)
            for (position, real) in server.realServers.enumerated() where !health[index].isRepeatedRealServer(position) {
                let realHealth = health[index].realServers[position]
                let own = (checks[Pair(index, position)] ?? []).sorted { $0.identity.index < $1.identity.index }
                result[label + " " + CheckIdentity.label(of: real)] = RealServerLive(
                    isUp: realHealth.isUp, weight: realHealth.isUp ? realHealth.weight : 0,
                    lastCheckSeconds: own.compactMap(\.lastDuration).max().map(Self.seconds),
                    lastResults: own.compactMap { slot in slot.lastResult.map { "\(slot.identity.checker) \($0)" } })
            }
        }
        return result
    }

    /// A real server's place: virtual server index, real server index.
    private struct Pair: Hashable {
        let virtualServer: Int
        let realServer: Int
        init(_ virtualServer: Int, _ realServer: Int) {
            self.virtualServer = virtualServer
            self.realServer = realServer
        }
    }

    /// The kernel's table as `ipvsadm -Ln` prints it.
    func ipvsStatus() async -> IPVSStatus {
        guard let kernel else {
            return IPVSStatus(available: false, table: [], problem: "the kernel has no IPVS; checks run without a table")
        }
        do {
            let snapshot = try await kernel.snapshot()
            let lines = IPVSTableText.render(snapshot).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            return IPVSStatus(available: true, table: lines.last == "" ? Array(lines.dropLast()) : lines, problem: nil)
        } catch {
            return IPVSStatus(available: true, table: [], problem: "cannot read the IPVS table: \(error)")
        }
    }

    /// `--test-stall checks`: blocks the actor as a hung engine would (debug builds take the switch).
    func hangForTesting() {
        VigilDaemon.hang()
    }

    /// Real servers up and configured, for systemd's one-line status.
    func realServerTally() -> (up: Int, total: Int) {
        var up = 0
        var total = 0
        for (index, server) in virtualServers.enumerated() {
            for position in server.realServers.indices where !health[index].isRepeatedRealServer(position) {
                total += 1
                if health[index].realServers[position].isUp { up += 1 }
            }
        }
        return (up, total)
    }

    func quorumStatus() -> [String: Bool] {
        var result: [String: Bool] = [:]
        for (index, server) in virtualServers.enumerated() { result[CheckIdentity.label(of: server)] = health[index].quorum.isUp }
        return result
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// One real server's live health for /status.
public struct RealServerLive: Sendable {
    public let isUp: Bool
    public let weight: Int
    public let lastCheckSeconds: Double?
    /// `TCP_CHECK success`, `HTTP_GET status` for each checker that has run.
    public let lastResults: [String]
}

extension IPVSTable {
    /// This table for the services Vigil manages, and `other`'s entries for the services it does not.
    func merging(unmanagedFrom other: IPVSTable, managed: Set<IPVSServiceKey>) -> IPVSTable {
        var result = self
        for (key, service) in other.services where !managed.contains(key) {
            result.services[key] = service
            result.destinations[key] = other.destinations[key]
        }
        return result
    }
}

extension IPVSOperation {
    /// The `operation` label of `vigil_ipvs_operations_total`.
    var metricName: String {
        switch self {
        case .addService: "add_service"
        case .editService: "edit_service"
        case .deleteService: "delete_service"
        case .addDestination: "add_destination"
        case .editDestination: "edit_destination"
        case .deleteDestination: "delete_destination"
        }
    }
}
