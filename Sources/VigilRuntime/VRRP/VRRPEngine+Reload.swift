import Logging
import NIOCore
import VigilCore
import VigilPlatform
import VigilTelemetry
import VigilVRRP

/// Reload: a new configuration applied to the running instances (see `VRRPPlanDiff`).
extension VRRPEngine {
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

    func logChange(_ message: Logger.Message, _ name: String, _ extra: Logger.Metadata) -> String {
        var metadata: Logger.Metadata = ["vrrp_instance": "\(name)"]
        metadata.merge(extra) { $1 }
        logger.notice(message, metadata: metadata)
        return "\(message) \(name)"
    }

    /// New settings under the running state machine; VIPs follow on a master without a transition.
    func updateInstance(from old: VRRPInstancePlan, to new: VRRPInstancePlan) -> String {
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
        step(new.name, context: TransitionContext(trigger: nil, note: "reload")) { $0.reconfigure(new.machine, now: instant) }
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
    func removeInstance(_ name: String) {
        guard let running = instances[name] else { return }
        handle(.shutdown, for: name, note: "removed by a reload")
        for timer in instances[name]?.timers.values.map({ $0 }) ?? [] { timer.cancel() }
        instances[name]?.announcing?.cancel()
        instances[name] = nil
        if !instances.values.contains(where: { $0.socket === running.socket }) {
            receiving.remove(ObjectIdentifier(running.socket))
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
    func forgetAddressSeries(_ dropped: [VirtualAddress], of name: String) {
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
    func addInstance(_ plan: VRRPInstancePlan) {
        let shared = instances.values.first { $0.plan.interface == plan.interface && $0.plan.family == plan.family }?.socket
        let socket: any VRRPTransport
        do {
            socket = try shared ?? host.openTransport(plan.family, plan.interface, plan.source)
        } catch {
            logger.error("vrrp_instance cannot run", metadata: ["vrrp_instance": "\(plan.name)", "error": "\(error)"])
            return
        }
        instances[plan.name] = Running(machine: VRRPStateMachine(config: plan.machine), plan: plan, socket: socket, validator: plan.validator)
        Self.publishConfigured(plan, registry: registry)
        if announcers[plan.interface] == nil {
            announcers[plan.interface] = try? host.makeAnnouncer(plan.interface)
        }
        guard started else { return }
        startReceiving(socket)
        startLinkMonitor()
        for interface in plan.watchedInterfaces.sorted() where host.links.isRunning(interface) != true {
            logger.warning("tracked interface is down", metadata: ["vrrp_instance": "\(plan.name)", "interface": "\(interface)"])
            handle(.interfaceDown(interface), for: plan.name)
        }
        changeAddresses(of: plan, add: false)
        handle(.startup, for: plan.name)
    }

    /// The script and file loops restart only when what they run changes; a restarted loop reports
    /// afresh (rise/fall counts start over), and until then the instances keep the last report.
    func restartTrackingIfChanged(scripts: TrackScriptRunner?, files: TrackFileWatcher?) {
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
}
