import Logging
import VigilCheck
import VigilConfig
import VigilCore
import VigilIPVS
import VigilTelemetry

/// Keeping the kernel's IPVS table equal to the desired one: one pass at a time, a full re-read
/// every `resyncEvery` to repair drift.
extension CheckEngine {
    /// Brings the kernel to the desired table; one pass at a time, and a change during a pass
    /// triggers one more, so the kernel always ends on the latest health.
    func reconcile() async {
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

    func count(_ operations: [IPVSOperation], _ failures: [IPVSOperationFailure]) {
        for failure in failures { events?.emit(.ipvsRefused(operation: "\(failure.operation)", error: failure.reason)) }
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
