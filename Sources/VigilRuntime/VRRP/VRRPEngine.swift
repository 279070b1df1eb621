#if canImport(Glibc)
import Glibc
#endif
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
        let socket: VRRPRawSocket
        /// Built once per plan: every received advert is checked against it.
        var validator: VRRPAdvertisementValidator
        var timers: [VRRPTimer: Scheduled<Void>] = [:]
        var lastTransitionAt: Double?
        var masterHeardLabel: String?
        /// Announcement bursts and refreshes in progress; they belong to one stay as master.
        var announcing: Task<Void, Never>?
    }

    private var instances: [String: Running] = [:]
    private let addresses: any VirtualAddressManaging
    private var announcers: [String: AddressAnnouncer] = [:]
    private let registry: MetricRegistry
    private let progress: ProgressBoard
    private let logger: Logger
    private let origin = ContinuousClock.now
    private var receivers: [Task<Void, Never>] = []
    /// One receive loop per socket, so a reload can stop the loop of a socket it closes.
    private var socketReceivers: [ObjectIdentifier: Task<Void, Never>] = [:]
    /// The track_script and track_file loops, restarted by a reload that changes what they watch.
    private var trackingTasks: [Task<Void, Never>] = []
    private var linkMonitorRunning = false
    private var started = false
    /// The last netlink change queued; each new one waits for it, so adds and removes keep their order.
    private var addressQueue: Task<Void, Never>?
    private let notifier: NotifyRunner
    private var syncGroups: [VRRPSyncGroupCoordinator]
    private var trackScripts: TrackScriptRunner?
    private var trackFiles: TrackFileWatcher?
    /// Alert mail; only ever handed changes, never awaited.
    private let mail: MailAlerts?

    public static let engineName = "vrrp"

    /// The loop whose thread runs this actor and fires its timers.
    nonisolated let eventLoop: any EventLoop
    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    init(
        plans: [VRRPInstancePlan], syncGroups: [VRRPSyncGroupCoordinator] = [], trackScripts: TrackScriptRunner? = nil,
        trackFiles: TrackFileWatcher? = nil, addresses: any VirtualAddressManaging, registry: MetricRegistry,
        progress: ProgressBoard, logger: Logger, eventLoop: any EventLoop, mail: MailAlerts? = nil
    ) {
        self.eventLoop = eventLoop
        self.mail = mail
        self.trackFiles = trackFiles
        self.syncGroups = syncGroups
        self.trackScripts = trackScripts
        self.addresses = addresses
        self.registry = registry
        self.progress = progress
        self.logger = logger
        notifier = NotifyRunner(registry: registry, logger: logger)
        var sockets: [String: VRRPRawSocket] = [:]
        for plan in plans {
            let key = "\(plan.interface)/\(plan.family)"
            do {
                let socket = try sockets[key] ?? VRRPRawSocket(family: plan.family, interface: plan.interface, source: plan.family == .ipv6 ? plan.source : nil)
                sockets[key] = socket
                instances[plan.name] = Running(
                    machine: VRRPStateMachine(config: plan.machine), plan: plan, socket: socket, validator: plan.validator)
                Self.publishConfigured(plan, registry: registry)
            } catch {
                logger.error("vrrp_instance cannot run", metadata: ["vrrp_instance": "\(plan.name)", "error": "\(error)"])
            }
            if announcers[plan.interface] == nil {
                do {
                    announcers[plan.interface] = try AddressAnnouncer(interface: plan.interface)
                } catch {
                    logger.error(
                        "cannot announce addresses (no gratuitous ARP or NA)",
                        metadata: ["interface": "\(plan.interface)", "error": "\(error)"])
                }
            }
        }
    }

    private var now: Duration { ContinuousClock.now - origin }

    /// Starts receiving and every instance's state machine; returns at once.
    func start() {
        started = true
        for running in instances.values { startReceiving(running.socket) }
        startLinkMonitor()
        startTracking()
        // Links already down count before the first election.
        for name in instances.keys.sorted() {
            guard let plan = instances[name]?.plan else { continue }
            for interface in plan.watchedInterfaces.sorted() where LinkMonitor.isRunning(interface) != true {
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

    private func startReceiving(_ socket: VRRPRawSocket) {
        guard socketReceivers[ObjectIdentifier(socket)] == nil else { return }
        socketReceivers[ObjectIdentifier(socket)] = Task { [weak self] in
            for await datagram in socket.datagrams {
                await self?.receive(datagram, on: socket)
            }
        }
    }

    private func startTracking() {
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

    private func startLinkMonitor() {
        guard !linkMonitorRunning, instances.values.contains(where: { !$0.plan.watchedInterfaces.isEmpty }) else { return }
        linkMonitorRunning = true
        do {
            let monitor = try LinkMonitor()
            receivers.append(Task { [weak self] in
                for await change in monitor.changes {
                    var buffer = [CChar](repeating: 0, count: 64)
                    guard if_indextoname(UInt32(bitPattern: change.interfaceIndex), &buffer) != nil else { continue }
                    let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    await self?.linkChanged(name, isUp: change.isUp)
                }
                monitor.close()
            })
        } catch {
            logger.error("cannot watch links; track_interface will not react", metadata: ["error": "\(error)"])
        }
    }

    private func trackScriptChanged(_ script: String, isUp: Bool) {
        for name in instances.keys.sorted() where instances[name]?.plan.machine.trackedScripts.contains(where: { $0.name == script }) == true {
            handle(.trackScriptResult(name: script, isUp: isUp), for: name)
        }
    }

    private func trackFileChanged(_ file: String, value: Int) {
        for name in instances.keys.sorted() where instances[name]?.plan.machine.trackedFiles.contains(where: { $0.name == file }) == true {
            handle(.trackFileValue(name: file, value: value), for: name)
        }
    }

    private func linkChanged(_ interface: String, isUp: Bool) {
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
        for name in instances.keys.sorted() { handle(.shutdown, for: name) }
        for (name, running) in instances {
            for timer in running.timers.values { timer.cancel() }
            instances[name]?.timers = [:]
            running.socket.close()
        }
        for receiver in receivers { receiver.cancel() }
        for receiver in socketReceivers.values { receiver.cancel() }
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

    private func receive(_ datagram: ReceivedDatagram, on socket: VRRPRawSocket) {
        let decoded: Result<ReceivedAdvertisement, VRRPDropReason>
        switch socket.family {
        case .ipv4:
            decoded = VRRPPacketDecoder.decode(ipv4Packet: datagram.bytes)
        case .ipv6:
            decoded = VRRPPacketDecoder.decode(
                vrrpPayload: datagram.bytes, source: datagram.source, destination: datagram.destination ?? datagram.source,
                hopLimit: UInt8(clamping: datagram.hopLimit ?? 0))
        }
        let received: ReceivedAdvertisement
        switch decoded {
        case .failure(let reason):
            return countDrop(reason, instance: instanceName(claimedBy: datagram, on: socket) ?? "")
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
        let labels = VRRPInstanceLabels(vrrpInstance: name)
        registry.counter(VRRPMetrics.advertsReceivedTotal, labels).increment()
        if advert.priority == 0 { registry.counter(VRRPMetrics.priorityZeroReceivedTotal, labels).increment() }
        let interval: Duration =
            advert.version == .v2 ? .seconds(Int64(advert.maxAdvertInterval)) : .milliseconds(Int64(advert.maxAdvertInterval) * 10)
        handle(
            .advertisementReceived(VRRPHeardAdvertisement(priority: advert.priority, senderAddress: received.source, maxAdvertisementInterval: interval)),
            for: name)
    }

    /// The instance a rejected packet was meant for, from the VRID byte it claims (only for the
    /// label of the drop counter: nothing else is trusted from a packet that failed decoding).
    private func instanceName(claimedBy datagram: ReceivedDatagram, on socket: VRRPRawSocket) -> String? {
        let bytes = datagram.bytes
        var offset = 0
        if socket.family == .ipv4 {
            guard let first = bytes.first else { return nil }
            offset = Int(first & 0x0F) * 4
        }
        guard bytes.count > offset + 1 else { return nil }
        let vrid = bytes[offset + 1]
        return instances.first { $0.value.socket === socket && $0.value.plan.machine.virtualRouterId == vrid }?.key
    }

    private func countDrop(_ reason: VRRPDropReason, instance: String) {
        registry.counter(VRRPMetrics.packetsDroppedTotal, VRRPDropLabels(vrrpInstance: instance, reason: reason.rawValue)).increment()
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private func timerFired(_ timer: VRRPTimer, for name: String) {
        instances[name]?.timers[timer] = nil
        handle(.timerFired(timer), for: name)
        progress.beat(Self.engineName)
    }

    // MARK: The state machine and its actions

    private func handle(_ event: VRRPEvent, for name: String, depth: Int = 0) {
        let instant = now
        step(name, depth: depth) { $0.handle(event, now: instant) }
    }

    /// Runs one change of an instance's machine, carries out its actions, and lets its sync group follow.
    private func step(_ name: String, depth: Int = 0, _ change: (inout VRRPStateMachine) -> [VRRPAction]) {
        guard var running = instances[name] else { return }
        let actions = change(&running.machine)
        // Stored before acting: actions set timers on the stored copy.
        instances[name] = running
        for action in actions { perform(action, for: name) }
        updateMasterHeard(name)
        // Sync group members follow; their own moves carry reason sync_group and are not passed on.
        guard depth < 4 else { return }
        var transition: VRRPTransition?
        for case .transition(let made) in actions { transition = made }
        for group in syncGroups where group.members.contains(name) {
            let machines = group.members.compactMap { instances[$0]?.machine }
            for directive in group.directives(after: transition, of: name, machines: machines) {
                handle(directive.event, for: directive.instance, depth: depth + 1)
            }
        }
    }

    private func perform(_ action: VRRPAction, for name: String) {
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
            instances[name]?.timers[timer] = eventLoop.scheduleTask(in: .nanoseconds(Self.nanoseconds(after))) {
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
            record(transition, for: plan)
        }
    }

    private func record(_ transition: VRRPTransition, for plan: VRRPInstancePlan) {
        let at = WallClock.now()
        if transition.to != .master {
            instances[plan.name]?.announcing?.cancel()
            instances[plan.name]?.announcing = nil
        }
        instances[plan.name]?.lastTransitionAt = at
        Self.publishState(transition.to, of: plan, registry: registry)
        registry.counter(
            VRRPMetrics.transitionsTotal,
            VRRPTransitionLabels(vrrpInstance: plan.name, from: transition.from.rawValue, to: transition.to.rawValue, reason: transition.reason.rawValue)
        ).increment()
        registry.gauge(VRRPMetrics.lastTransitionTimestamp, VRRPInstanceLabels(vrrpInstance: plan.name)).set(at)
        let priority = Int(instances[plan.name]?.machine.effectivePriority ?? plan.machine.priority)
        let runs = plan.notify.runs(for: transition, priority: priority)
        notifier.enqueue(runs, instance: plan.name)
        mail?.vrrpTransition(
            instance: plan.name, from: transition.from.rawValue, to: transition.to.rawValue, reason: transition.reason.rawValue,
            priority: priority)
        logger.notice(
            "vrrp transition",
            metadata: [
                "vrrp_instance": "\(plan.name)", "from": "\(transition.from.rawValue)", "to": "\(transition.to.rawValue)",
                "reason": "\(transition.reason.rawValue)",
            ])
    }

    private func updateMasterHeard(_ name: String) {
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

    // MARK: Addresses

    /// Address changes go through netlink in order, off the actor, so a slow kernel never delays adverts.
    private func changeAddresses(of plan: VRRPInstancePlan, add: Bool, only subset: [VirtualAddress]? = nil) {
        let chosen = subset ?? plan.virtualAddresses
        let addresses = addresses
        let registry = registry
        let logger = logger
        let previous = addressQueue
        addressQueue = Task {
            await previous?.value
            for address in chosen {
                do {
                    if add { try await addresses.add(address) } else { try await addresses.remove(address) }
                    registry.gauge(VRRPMetrics.vipOwned, VIPLabels(vrrpInstance: plan.name, vip: "\(address.prefix)", interface: address.interface)).set(add)
                } catch {
                    logger.error(
                        add ? "cannot add a virtual address" : "cannot remove a virtual address",
                        metadata: ["vrrp_instance": "\(plan.name)", "vip": "\(address)", "error": "\(error)"])
                }
            }
        }
    }

    private func releaseAddressesStillHeld() async {
        await addressQueue?.value
        for running in instances.values {
            for address in running.plan.virtualAddresses { try? await addresses.remove(address) }
        }
    }

    /// Sends the bursts of `schedule` after the queued address changes are done, then refreshes
    /// while this instance stays master; the task is replaced or cancelled on the next transition.
    private func announce(
        _ plan: VRRPInstancePlan, _ schedule: AnnouncementSchedule, becameMaster: Bool, only subset: [VirtualAddress]? = nil
    ) {
        guard let announcer = announcers[plan.interface] else { return }
        let chosen = subset ?? plan.virtualAddresses
        let registry = registry
        let labels = VRRPInstanceLabels(vrrpInstance: plan.name)
        let burst: @Sendable (Int) -> Void = { count in
            for _ in 0..<max(count, 1) {
                for address in chosen {
                    switch address.prefix.address {
                    case .v4(let v4):
                        if (try? announcer.announce(v4)) != nil { registry.counter(VRRPMetrics.gratuitousARPsSentTotal, labels).increment() }
                    case .v6(let v6):
                        if (try? announcer.announce(v6)) != nil {
                            registry.counter(VRRPMetrics.neighborAdvertisementsSentTotal, labels).increment()
                        }
                    }
                }
            }
        }
        let pending = addressQueue
        let task = Task {
            // Announce an address only once the kernel has it.
            await pending?.value
            burst(schedule.repeat)
            if schedule.secondBurstAfter > .zero {
                guard (try? await Task.sleep(for: schedule.secondBurstAfter)) != nil else { return }
                burst(schedule.repeat)
            }
            guard schedule.refreshEvery > .zero else { return }
            while (try? await Task.sleep(for: schedule.refreshEvery)) != nil {
                burst(schedule.refreshRepeat)
            }
        }
        // The master's schedule (with its refreshes) is the one a new transition cancels; an answer
        // to a lower-priority advert runs beside it.
        if becameMaster {
            instances[plan.name]?.announcing?.cancel()
            instances[plan.name]?.announcing = task
        }
    }


    // MARK: Reload

    /// Applies a reloaded configuration (see `VRRPPlanDiff`): unchanged instances are not touched
    /// (no transition, no advert out of turn, no announcement); changed ones take their new
    /// settings in place; removed ones resign as on SIGTERM; added ones start as at startup.
    /// Returns what changed, one line per instance, for the log and the reload summary.
    /// `configured` names every vrrp_instance of the new file: one that is there but could not be
    /// planned (its interface has no address now, say) keeps running as it is rather than resign.
    func reconfigure(
        plans: [VRRPInstancePlan], configured: Set<String>, syncGroups newGroups: [VRRPSyncGroupCoordinator],
        trackScripts newScripts: TrackScriptRunner?, trackFiles newFiles: TrackFileWatcher?
    ) -> [String] {
        let planned = Set(plans.map(\.name))
        let kept = instances.values.map(\.plan).filter { configured.contains($0.name) && !planned.contains($0.name) }
        for plan in kept.sorted(by: { $0.name < $1.name }) {
            logger.warning(
                "vrrp_instance keeps its running settings: the reloaded ones cannot run here", metadata: ["vrrp_instance": "\(plan.name)"])
        }
        let diff = VRRPPlanDiff(old: instances.values.map(\.plan), new: plans + kept)
        var changes: [String] = []
        for plan in diff.removed.sorted(by: { $0.name < $1.name }) {
            removeInstance(plan.name)
            changes.append(logChange("vrrp_instance removed", plan.name, [:]))
        }
        for (old, new) in diff.replaced.sorted(by: { $0.old.name < $1.old.name }) {
            removeInstance(old.name)
            changes.append(logChange(
                "vrrp_instance restarted: a new VRID, interface, family, version, source or peers makes it another router",
                new.name, [:]))
        }
        syncGroups = newGroups
        restartTrackingIfChanged(scripts: newScripts, files: newFiles)
        for plan in diff.unchanged { instances[plan.name]?.plan = plan }
        for (old, new) in diff.updated.sorted(by: { $0.old.name < $1.old.name }) {
            changes.append(logChange("vrrp_instance changed in place", new.name, ["changes": "\(updateInstance(from: old, to: new))"]))
        }
        for plan in (diff.added + diff.replaced.map(\.new)).sorted(by: { $0.name < $1.name }) {
            addInstance(plan)
            if !diff.replaced.contains(where: { $0.new.name == plan.name }) {
                changes.append(logChange("vrrp_instance added", plan.name, [:]))
            }
        }
        return changes
    }

    private func logChange(_ message: Logger.Message, _ name: String, _ extra: Logger.Metadata) -> String {
        var metadata: Logger.Metadata = ["vrrp_instance": "\(name)"]
        metadata.merge(extra) { $1 }
        logger.notice(message, metadata: metadata)
        return "\(message) \(name)"
    }

    /// New settings under the running state machine; VIPs follow on a master without a transition.
    private func updateInstance(from old: VRRPInstancePlan, to new: VRRPInstancePlan) -> String {
        guard let running = instances[new.name] else { return "" }
        instances[new.name]?.plan = new
        instances[new.name]?.validator = new.validator
        let dropped = old.virtualAddresses.filter { !new.virtualAddresses.contains($0) }
        let added = new.virtualAddresses.filter { !old.virtualAddresses.contains($0) }
        if case .master = running.machine.state {
            if !dropped.isEmpty { changeAddresses(of: old, add: false, only: dropped) }
            if !added.isEmpty {
                changeAddresses(of: new, add: true, only: added)
                announce(new, new.garpOnMaster, becameMaster: false, only: added)
            }
        } else {
            for address in added {
                registry.gauge(VRRPMetrics.vipOwned, VIPLabels(vrrpInstance: new.name, vip: "\(address.prefix)", interface: address.interface)).set(0)
            }
        }
        forgetAddressSeries(dropped, of: new.name)
        registry.gauge(VRRPMetrics.configuredPriority, VRRPInstanceLabels(vrrpInstance: new.name)).set(Int(new.machine.priority))
        let instant = now
        step(new.name) { $0.reconfigure(new.machine, now: instant) }
        var what: [String] = []
        if old.machine.priority != new.machine.priority { what.append("priority \(old.machine.priority)->\(new.machine.priority)") }
        if old.machine.advertisementInterval != new.machine.advertisementInterval { what.append("advert_int") }
        if old.machine.preempt != new.machine.preempt || old.machine.preemptDelay != new.machine.preemptDelay { what.append("preempt") }
        if old.machine.trackedInterfaces != new.machine.trackedInterfaces || old.machine.trackedScripts != new.machine.trackedScripts
            || old.machine.trackedFiles != new.machine.trackedFiles
        {
            what.append("tracking")
        }
        if !added.isEmpty { what.append("+\(added.count) VIP") }
        if !dropped.isEmpty { what.append("-\(dropped.count) VIP") }
        if what.isEmpty { what.append("other settings") }
        return what.joined(separator: ", ")
    }

    /// As SIGTERM does for one instance: a master advertises priority 0 and releases its VIPs.
    private func removeInstance(_ name: String) {
        guard let running = instances[name] else { return }
        handle(.shutdown, for: name)
        for timer in instances[name]?.timers.values.map({ $0 }) ?? [] { timer.cancel() }
        instances[name]?.announcing?.cancel()
        instances[name] = nil
        if !instances.values.contains(where: { $0.socket === running.socket }) {
            socketReceivers.removeValue(forKey: ObjectIdentifier(running.socket))?.cancel()
            running.socket.close()
        }
        let labels = VRRPInstanceLabels(vrrpInstance: name)
        for state in VRRPStateName.allCases {
            registry.remove(
                VRRPMetrics.state,
                VRRPStateLabels(
                    vrrpInstance: name, interface: running.plan.interface, vrid: Int(running.plan.machine.virtualRouterId),
                    state: state.rawValue))
        }
        registry.remove(VRRPMetrics.configuredPriority, labels)
        registry.remove(VRRPMetrics.effectivePriority, labels)
        registry.remove(VRRPMetrics.lastTransitionTimestamp, labels)
        forgetAddressSeries(running.plan.virtualAddresses, of: name)
    }

    /// Drops the VIP series once the queued address changes (which set them) are done.
    private func forgetAddressSeries(_ dropped: [VirtualAddress], of name: String) {
        guard !dropped.isEmpty else { return }
        let registry = registry
        let previous = addressQueue
        addressQueue = Task {
            await previous?.value
            for address in dropped {
                registry.remove(VRRPMetrics.vipOwned, VIPLabels(vrrpInstance: name, vip: "\(address.prefix)", interface: address.interface))
            }
        }
    }

    /// Opens (or shares) the socket and starts the instance as at startup.
    private func addInstance(_ plan: VRRPInstancePlan) {
        let shared = instances.values.first { $0.plan.interface == plan.interface && $0.plan.family == plan.family }?.socket
        let socket: VRRPRawSocket
        do {
            socket = try shared ?? VRRPRawSocket(family: plan.family, interface: plan.interface, source: plan.family == .ipv6 ? plan.source : nil)
        } catch {
            logger.error("vrrp_instance cannot run", metadata: ["vrrp_instance": "\(plan.name)", "error": "\(error)"])
            return
        }
        instances[plan.name] = Running(machine: VRRPStateMachine(config: plan.machine), plan: plan, socket: socket, validator: plan.validator)
        Self.publishConfigured(plan, registry: registry)
        if announcers[plan.interface] == nil {
            announcers[plan.interface] = try? AddressAnnouncer(interface: plan.interface)
        }
        guard started else { return }
        startReceiving(socket)
        startLinkMonitor()
        for interface in plan.watchedInterfaces.sorted() where LinkMonitor.isRunning(interface) != true {
            logger.warning("tracked interface is down", metadata: ["vrrp_instance": "\(plan.name)", "interface": "\(interface)"])
            handle(.interfaceDown(interface), for: plan.name)
        }
        changeAddresses(of: plan, add: false)
        handle(.startup, for: plan.name)
    }

    /// The script and file loops restart only when what they run changes; a restarted loop reports
    /// afresh (rise/fall counts start over), and until then the instances keep the last report.
    private func restartTrackingIfChanged(scripts: TrackScriptRunner?, files: TrackFileWatcher?) {
        let sameScripts = (trackScripts?.scripts ?? []) == (scripts?.scripts ?? [])
        let sameFiles = (trackFiles?.files ?? []) == (files?.files ?? [])
        guard !sameScripts || !sameFiles else { return }
        for task in trackingTasks { task.cancel() }
        trackingTasks = []
        trackScripts = scripts
        trackFiles = files
        logger.notice("track_script and track_file watchers restarted for the new configuration")
        if started { startTracking() }
    }

    /// `vigil_vrrp_state`: 1 for `current`, 0 for every other state.
    private static func publishState(_ current: VRRPStateName, of plan: VRRPInstancePlan, registry: MetricRegistry) {
        for state in VRRPStateName.allCases {
            registry.gauge(
                VRRPMetrics.state,
                VRRPStateLabels(vrrpInstance: plan.name, interface: plan.interface, vrid: Int(plan.machine.virtualRouterId), state: state.rawValue)
            ).set(state == current)
        }
    }

    private static func publishConfigured(_ plan: VRRPInstancePlan, registry: MetricRegistry) {
        let labels = VRRPInstanceLabels(vrrpInstance: plan.name)
        registry.gauge(VRRPMetrics.configuredPriority, labels).set(Int(plan.machine.priority))
        registry.gauge(VRRPMetrics.effectivePriority, labels).set(Int(plan.machine.priority))
        for counter in [VRRPMetrics.advertsSentTotal, VRRPMetrics.advertsReceivedTotal, VRRPMetrics.priorityZeroSentTotal,
                        VRRPMetrics.priorityZeroReceivedTotal] {
            registry.counter(counter, labels).increment(by: 0)
        }
        publishState(.initialize, of: plan, registry: registry)
        for address in plan.virtualAddresses {
            registry.gauge(VRRPMetrics.vipOwned, VIPLabels(vrrpInstance: plan.name, vip: "\(address.prefix)", interface: address.interface)).set(0)
        }
    }
}
