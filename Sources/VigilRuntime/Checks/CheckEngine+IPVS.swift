import Logging
import VigilCheck
import VigilConfig
import VigilCore
import VigilIPVS
import VigilTelemetry

/// The desired IPVS table from the health held now, handed to the reconciler.
extension CheckEngine {
    /// Brings the kernel to the desired table from the health now held (`IPVSReconciler`).
    func reconcile() async {
        guard let reconciler else { return }
        await reconciler.reconcile(to: DesiredIPVSTable.make(virtualServers: virtualServers, groups: groups, health: health))
    }

    /// Re-reads the kernel's table every `IPVSReconciler.resyncEvery` even without a change, from the heartbeat.
    func resyncIfDue() async {
        guard !stopped else { return }
        await reconciler?.resyncIfDue()
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
