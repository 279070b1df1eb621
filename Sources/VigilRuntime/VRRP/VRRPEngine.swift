import Logging
import NIOCore
import VigilCore
import VigilPlatform
import VigilTelemetry
import VigilVRRP

/// What /status shows of a running instance.
public struct VRRPLiveStatus: Sendable {
    public let state: String
    public let effectivePriority: Int
    public let masterHeard: String?
    public let lastTransitionAt: Double?
}

/// The VRRP engine: one actor owning every instance's state machine, its timers and its sockets.
///
/// Datagrams arrive from each socket's own receive thread; the actor decodes, validates and
/// drops bad ones before the state machine sees anything, so a flood of invalid packets costs
/// counters, never an advert. Every action of the state machine is carried out in order here.
///
/// The actor runs on its own event loop thread, and its protocol timers are that loop's scheduled
/// tasks: an idle instance costs one wake-up per advert, where a `Task.sleep` per timer costs
/// several thread hand-offs through the global executor.
public actor VRRPEngine {
    struct Running {
        var machine: VRRPStateMachine
        /// Replaced by a reload that keeps the instance running.
        var plan: VRRPInstancePlan
        let socket: any VRRPTransport
        /// Built once per plan: every received advert is checked against it.
        var validator: VRRPAdvertisementValidator
        var timers: [VRRPTimer: Scheduled<Void>] = [:]
        var lastTransitionAt: Double?
        var masterHeardLabel: String?
        /// Announcement bursts and refreshes in progress; they belong to one stay as master.
        var announcing: Task<Void, Never>?
        /// The last valid advert heard, for the cause of the next transition.
        var lastAdvert: VRRPTransitionCause.LastAdvert?
    }

    var instances: [String: Running] = [:]
    /// Sockets, address changes, announcements and link events: the machine, or fakes in tests.
    let host: VRRPHost
    var announcers: [String: any AddressAnnouncing] = [:]
    let registry: MetricRegistry
    let progress: ProgressBoard
    let logger: Logger
    /// The loop's time at start; the state machines' clock is the loop's (manual in tests).
    let origin: NIODeadline
    /// Transports already handing over datagrams.
    var receiving: Set<ObjectIdentifier> = []
    /// Stops the link watch; nil while no instance watches a link.
    var stopLinkWatch: (@Sendable () -> Void)?
    /// The track_script and track_file loops, restarted by a reload that changes what they watch.
    var trackingTasks: [Task<Void, Never>] = []
    var started = false
    /// The last netlink change queued; each new one waits for it, so adds and removes keep their order.
    var addressQueue: Task<Void, Never>?
    let notifier: NotifyRunner
    var syncGroups: [VRRPSyncGroupCoordinator]
    var trackScripts: TrackScriptRunner?
    var trackFiles: TrackFileWatcher?
    /// Alert mail; only ever handed changes, never awaited.
    let mail: MailAlerts?
    /// Where announcements and notify results go with their causes (`GET /events`).
    let events: EventJournal?
    /// Who hears of each transition, in this order: metrics, the log, notify scripts, mail, the
    /// journal, then any the caller added.
    let transitionConsumers: [any VRRPTransitionConsumer]
    /// The event being handled and what only the caller knows about it, handed down to the
    /// transition it may cause, so the transition can say why.
    struct TransitionContext {
        let trigger: VRRPEvent?
        let note: String?
    }

    public static let engineName = EngineName.vrrp.rawValue

    /// The loop whose thread runs this actor and fires its timers.
    nonisolated let eventLoop: any EventLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    init(
        plans: [VRRPInstancePlan], syncGroups: [VRRPSyncGroupCoordinator] = [], trackScripts: TrackScriptRunner? = nil,
        trackFiles: TrackFileWatcher? = nil, host: VRRPHost, registry: MetricRegistry,
        progress: ProgressBoard, logger: Logger, eventLoop: any EventLoop, mail: MailAlerts? = nil, events: EventJournal? = nil,
        observers: [any VRRPTransitionConsumer] = []
    ) {
        self.eventLoop = eventLoop
        self.events = events
        origin = eventLoop.now
        self.mail = mail
        self.trackFiles = trackFiles
        self.syncGroups = syncGroups
        self.trackScripts = trackScripts
        self.host = host
        self.registry = registry
        self.progress = progress
        self.logger = logger
        let notifier = NotifyRunner(registry: registry, logger: logger, events: events)
        self.notifier = notifier
        var consumers: [any VRRPTransitionConsumer] = [VRRPTransitionMetrics(registry: registry), VRRPTransitionLog(logger: logger), notifier]
        if let mail { consumers.append(mail) }
        if let events { consumers.append(events) }
        transitionConsumers = consumers + observers
        var sockets: [String: any VRRPTransport] = [:]
        for plan in plans {
            let key = "\(plan.interface)/\(plan.family)"
            do {
                let socket = try sockets[key] ?? host.openTransport(plan.family, plan.interface, plan.source)
                sockets[key] = socket
                instances[plan.name] = Running(
                    machine: VRRPStateMachine(config: plan.machine), plan: plan, socket: socket, validator: plan.validator)
                Self.publishConfigured(plan, registry: registry)
            } catch {
                logger.error("vrrp_instance cannot run", metadata: ["vrrp_instance": "\(plan.name)", "error": "\(error)"])
            }
            if announcers[plan.interface] == nil {
                do {
                    announcers[plan.interface] = try host.makeAnnouncer(plan.interface)
                } catch {
                    logger.error(
                        "cannot announce addresses (no gratuitous ARP or NA)",
                        metadata: ["interface": "\(plan.interface)", "error": "\(error)"])
                }
            }
        }
    }

    var now: Duration { .nanoseconds((eventLoop.now - origin).nanoseconds) }

    /// Starts receiving and every instance's state machine; returns at once.
    func start() {
        started = true
        for running in instances.values { startReceiving(running.socket) }
        startLinkMonitor()
        startTracking()
        // Links already down count before the first election.
        for name in instances.keys.sorted() {
            guard let plan = instances[name]?.plan else { continue }
            for interface in plan.watchedInterfaces.sorted() where host.links.isRunning(interface) != true {
                logger.warning("tracked interface is down", metadata: ["vrrp_instance": "\(name)", "interface": "\(interface)"])
                handle(.interfaceDown(interface), for: name)
            }
        }
        // A backup must not hold the addresses; a previous run killed with -9 may have left them.
        for name in instances.keys.sorted() {
            if let plan = instances[name]?.plan { changeAddresses(of: plan, add: false) }
        }
        for name in instances.keys.sorted() { handle(.startup, for: name) }
        progress.beat(Self.engineName)
    }

    /// Datagrams reach the actor on its own loop, in arrival order, one at a time.
    func startReceiving(_ socket: any VRRPTransport) {
        guard receiving.insert(ObjectIdentifier(socket)).inserted else { return }
        socket.startReceiving(on: eventLoop) { [weak self] datagram in
            self?.assumeIsolated { $0.receive(datagram, on: socket) }
        }
    }

    func startTracking() {
        if let trackFiles, !trackFiles.files.isEmpty {
            trackingTasks.append(Task { [weak self] in
                let engine = self
                await trackFiles.run { name, value in await engine?.trackFileChanged(name, value: value) }
            })
        }
        if let trackScripts, !trackScripts.scripts.isEmpty {
            trackingTasks.append(Task { [weak self] in
                let engine = self
                await trackScripts.run { name, isUp in await engine?.trackScriptChanged(name, isUp: isUp) }
            })
        }
    }

    func startLinkMonitor() {
        guard stopLinkWatch == nil, instances.values.contains(where: { !$0.plan.watchedInterfaces.isEmpty }) else { return }
        let loop = eventLoop
        do {
            stopLinkWatch = try host.links.watch { [weak self] interface, isUp in
                loop.execute { [weak self] in self?.assumeIsolated { $0.linkChanged(interface, isUp: isUp) } }
            }
        } catch {
            logger.error("cannot watch links; track_interface will not react", metadata: ["error": "\(error)"])
        }
    }

    func trackScriptChanged(_ script: String, isUp: Bool) {
        for name in instances.keys.sorted() where instances[name]?.plan.machine.trackedScripts.contains(where: { $0.name == script }) == true {
            handle(.trackScriptResult(name: script, isUp: isUp), for: name)
        }
    }

    func trackFileChanged(_ file: String, value: Int) {
        for name in instances.keys.sorted() where instances[name]?.plan.machine.trackedFiles.contains(where: { $0.name == file }) == true {
            handle(.trackFileValue(name: file, value: value), for: name)
        }
    }

    func linkChanged(_ interface: String, isUp: Bool) {
        for name in instances.keys.sorted() where instances[name]?.plan.watchedInterfaces.contains(interface) == true {
            logger.notice(isUp ? "tracked interface is up" : "tracked interface is down", metadata: ["vrrp_instance": "\(name)", "interface": "\(interface)"])
            handle(isUp ? .interfaceUp(interface) : .interfaceDown(interface), for: name)
        }
    }

    /// Proves the actor runs: called from a periodic task, answered on the actor.
    func heartbeat() { progress.beat(Self.engineName) }

    /// The heartbeat for a caller already on the actor's event loop thread: no hop, no wake-up.
    nonisolated func heartbeatOnLoop() {
        guard eventLoop.inEventLoop else { return }
        assumeIsolated { $0.heartbeat() }
    }

    /// SIGTERM: masters advertise priority 0 and release their addresses, then everything stops;
    /// nothing waits for a notify script.
    func shutdown() async {
        // notify_stop (and notify) are launched before `handle` returns and never waited for: a
        // script that sleeps a minute carries on after the daemon has exited.
        notifier.beginShutdown()
        for name in instances.keys.sorted() { handle(.shutdown, for: name, note: "shutdown: SIGTERM") }
        for (name, running) in instances {
            for timer in running.timers.values { timer.cancel() }
            instances[name]?.timers = [:]
            running.socket.close()
        }
        stopLinkWatch?()
        for task in trackingTasks { task.cancel() }
        await releaseAddressesStillHeld()
    }

    /// What /status shows, by instance name.
    func snapshot() -> [String: VRRPLiveStatus] {
        instances.mapValues { running in
            VRRPLiveStatus(
                state: running.machine.state.name.rawValue.uppercased(), effectivePriority: Int(running.machine.effectivePriority),
                masterHeard: running.masterHeardLabel, lastTransitionAt: running.lastTransitionAt)
        }
    }

    // MARK: Input

    func receive(_ datagram: ReceivedDatagram, on socket: any VRRPTransport) {
        guard let family = instances.values.first(where: { $0.socket === socket })?.plan.family else { return }
        let received: ReceivedAdvertisement
        switch VRRPDatagram.decode(
            datagram.bytes, family: family, source: datagram.source, destination: datagram.destination, hopLimit: datagram.hopLimit)
        {
        case .failure(let reason):
            let claimed = VRRPDatagram.claimedVirtualRouterId(datagram.bytes, family: family)
            let name = instances.first { $0.value.socket === socket && $0.value.plan.machine.virtualRouterId == claimed }?.key
            return countDrop(reason, instance: name ?? "")
        case .success(let value):
            received = value
        }
        let advert = received.advertisement
        guard let name = instances.first(where: {
            $0.value.socket === socket && $0.value.plan.machine.virtualRouterId == advert.virtualRouterId
        })?.key, let running = instances[name] else {
            return countDrop(.unknownVirtualRouterId, instance: "")
        }
        if let reason = running.validator.validate(advert) { return countDrop(reason, instance: name) }
        instances[name]?.lastAdvert = VRRPTransitionCause.LastAdvert(address: received.source, priority: advert.priority, at: now)
        let labels = VRRPInstanceLabels(vrrpInstance: name)
        registry.counter(VRRPMetrics.advertsReceivedTotal, labels).increment()
        if advert.priority == 0 { registry.counter(VRRPMetrics.priorityZeroReceivedTotal, labels).increment() }
        handle(
            .advertisementReceived(
                VRRPHeardAdvertisement(priority: advert.priority, senderAddress: received.source, maxAdvertisementInterval: advert.advertisementInterval)),
            for: name)
    }

    func countDrop(_ reason: VRRPDropReason, instance: String) {
        registry.counter(VRRPMetrics.packetsDroppedTotal, VRRPDropLabels(vrrpInstance: instance, reason: reason.rawValue)).increment()
    }

    func timerFired(_ timer: VRRPTimer, for name: String) {
        instances[name]?.timers[timer] = nil
        handle(.timerFired(timer), for: name)
        progress.beat(Self.engineName)
    }

    // MARK: The state machine and its actions

    /// `note` is what the caller knows of the event that the transition's cause should say.
    func handle(_ event: VRRPEvent, for name: String, depth: Int = 0, note: String? = nil) {
        let instant = now
        step(name, depth: depth, context: TransitionContext(trigger: event, note: note)) { $0.handle(event, now: instant) }
    }

    /// Runs one change of an instance's machine, carries out its actions, and lets its sync group follow.
    func step(_ name: String, depth: Int = 0, context: TransitionContext, _ change: (inout VRRPStateMachine) -> [VRRPAction]) {
        guard var running = instances[name] else { return }
        let actions = change(&running.machine)
        // Stored before acting: actions set timers on the stored copy.
        instances[name] = running
        for action in actions { perform(action, for: name, context: context) }
        updateMasterHeard(name)
        // Sync group members follow; their own moves carry reason sync_group and are not passed on.
        guard depth < 4 else { return }
        var transition: VRRPTransition?
        for case .transition(let made) in actions { transition = made }
        for group in syncGroups where group.members.contains(name) {
            let machines = group.members.compactMap { instances[$0]?.machine }
            let moved = transition.map { "\(name) went \($0.to.rawValue.uppercased())" } ?? "\(name) changed"
            for directive in group.directives(after: transition, of: name, machines: machines) {
                handle(directive.event, for: directive.instance, depth: depth + 1, note: "sync group \(group.name): \(moved)")
            }
        }
    }

    func perform(_ action: VRRPAction, for name: String, context: TransitionContext) {
        guard let running = instances[name] else { return }
        let plan = running.plan
        let labels = VRRPInstanceLabels(vrrpInstance: name)
        switch action {
        case .sendAdvertisement(let priority):
            let advert = VRRPAdvertisement(
                version: plan.version, virtualRouterId: plan.machine.virtualRouterId, priority: priority,
                maxAdvertInterval: plan.advertIntervalField, addresses: plan.advertisedAddresses,
                authentication: plan.authentication, family: plan.family)
            for destination in plan.destinations {
                do {
                    try running.socket.send(advert.encode(source: plan.source, destination: destination), to: destination)
                    registry.counter(VRRPMetrics.advertsSentTotal, labels).increment()
                    if priority == 0 { registry.counter(VRRPMetrics.priorityZeroSentTotal, labels).increment() }
                } catch {
                    logger.warning("cannot send an advert", metadata: ["vrrp_instance": "\(name)", "error": "\(error)"])
                }
            }
        case .setTimer(let timer, let after):
            instances[name]?.timers[timer]?.cancel()
            // Set and cancelled on the loop's own thread, so a cancelled timer can never fire late.
            instances[name]?.timers[timer] = eventLoop.scheduleTask(in: .nanoseconds(after.wholeNanoseconds)) {
                [weak self] in
                self?.assumeIsolated { $0.timerFired(timer, for: name) }
            }
        case .cancelTimer(let timer):
            instances[name]?.timers[timer]?.cancel()
            instances[name]?.timers[timer] = nil
        case .addVirtualAddresses:
            changeAddresses(of: plan, add: true)
        case .removeVirtualAddresses:
            changeAddresses(of: plan, add: false)
        case .sendGratuitousARPBurst(let cause):
            let becameMaster = cause == .becameMaster
            announce(plan, becameMaster ? plan.garpOnMaster : plan.garpOnLowerPriority, becameMaster: becameMaster)
        case .priorityChanged(_, let to):
            registry.gauge(VRRPMetrics.effectivePriority, labels).set(Int(to))
        case .transition(let transition):
            record(transition, for: plan, context: context)
        }
    }

    /// Keeps what the engine itself needs of a transition, then emits it once to the consumers.
    func record(_ transition: VRRPTransition, for plan: VRRPInstancePlan, context: TransitionContext) {
        let at = WallClock.now()
        if transition.to != .master {
            instances[plan.name]?.announcing?.cancel()
            instances[plan.name]?.announcing = nil
        }
        instances[plan.name]?.lastTransitionAt = at
        let effective = instances[plan.name]?.machine.effectivePriority ?? plan.machine.priority
        let cause = VRRPTransitionCause.describe(
            transition, trigger: context.trigger, lastAdvert: instances[plan.name]?.lastAdvert, ownPriority: effective, now: now,
            note: context.note)
        let record = VRRPTransitionRecord(plan: plan, transition: transition, priority: Int(effective), cause: cause, at: at)
        for consumer in transitionConsumers { consumer.consume(record) }
    }

    func updateMasterHeard(_ name: String) {
        guard let running = instances[name] else { return }
        var heard: String?
        if case .backup(let backup) = running.machine.state, let master = backup.masterHeard { heard = "\(master.address)" }
        guard heard != running.masterHeardLabel else { return }
        if let old = running.masterHeardLabel {
            registry.remove(VRRPMetrics.masterHeard, VRRPMasterHeardLabels(vrrpInstance: name, master: old))
        }
        if let heard { registry.gauge(VRRPMetrics.masterHeard, VRRPMasterHeardLabels(vrrpInstance: name, master: heard)).set(1) }
        instances[name]?.masterHeardLabel = heard
    }
}
