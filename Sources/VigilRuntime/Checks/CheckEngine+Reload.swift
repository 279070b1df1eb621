import Logging
import VigilCheck
import VigilConfig
import VigilCore
import VigilIPVS
import VigilTelemetry

/// Reload: checkers of unchanged real servers keep their slots; the rest start afresh.
extension CheckEngine {
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
    struct SlotKey: Hashable {
        let virtualServer: String
        let realServer: String
        let checker: String
        init(_ identity: CheckIdentity) {
            virtualServer = identity.virtualServer
            realServer = identity.realServer
            checker = identity.checker
        }
    }

    func forgetSeries(of slot: CheckSlot) {
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
    func describeChanges(
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
}
