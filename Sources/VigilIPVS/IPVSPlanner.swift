/// Reconciles the table Vigil wants with the table the kernel has, as a list of operations.
///
/// Only differences are sent and the table is never flushed: an unchanged destination produces
/// nothing and keeps its connections. Everything the kernel can change in place is an edit, never
/// a delete and add (the kernel edits a destination's forwarding method too, so established
/// connections keep theirs and new ones use the new method). A service in the kernel that is not
/// desired is deleted only when Vigil manages it; a service someone configured by hand stays.
public enum IPVSPlanner {
    /// The operations that turn `actual` into `desired`, in an order the kernel accepts:
    /// a service is added before its destinations, its destinations are deleted before it.
    /// Destinations listed in `desired` for a service `desired` does not hold are ignored.
    public static func plan(
        desired: IPVSTable, actual: IPVSTable, managed: Set<IPVSServiceKey>
    ) -> [IPVSOperation] {
        var operations: [IPVSOperation] = []
        for key in desired.services.keys.sorted() {
            guard let wanted = desired.services[key] else { continue }
            let wantedDestinations = desired.destinations[key] ?? [:]
            guard let present = actual.services[key] else {
                operations.append(.addService(wanted))
                for destinationKey in wantedDestinations.keys.sorted() {
                    if let destination = wantedDestinations[destinationKey] {
                        operations.append(.addDestination(key, destination))
                    }
                }
                continue
            }
            if !wanted.isEquivalent(to: present) { operations.append(.editService(wanted)) }
            planDestinations(
                of: key, desired: wantedDestinations, actual: actual.destinations[key] ?? [:], into: &operations)
        }
        for key in actual.services.keys.sorted() where desired.services[key] == nil && managed.contains(key) {
            // The kernel would drop them with the service; deleting each first keeps the plan a
            // complete record of which real servers left the table.
            for destinationKey in (actual.destinations[key] ?? [:]).keys.sorted() {
                operations.append(.deleteDestination(key, destinationKey))
            }
            operations.append(.deleteService(key))
        }
        return operations
    }

    /// Adds and edits before deletes, so a service being changed never runs empty in between.
    private static func planDestinations(
        of service: IPVSServiceKey,
        desired: [IPVSDestinationKey: IPVSDestination],
        actual: [IPVSDestinationKey: IPVSDestination],
        into operations: inout [IPVSOperation]
    ) {
        for key in desired.keys.sorted() {
            guard let wanted = desired[key] else { continue }
            if let present = actual[key] {
                if wanted != present { operations.append(.editDestination(service, wanted)) }
            } else {
                operations.append(.addDestination(service, wanted))
            }
        }
        for key in actual.keys.sorted() where desired[key] == nil {
            operations.append(.deleteDestination(service, key))
        }
    }
}

extension IPVSService {
    /// Equal as far as the kernel's behaviour goes: the netmask and timeout of a service that is
    /// not persistent are never used, so a difference there is no reason to edit.
    func isEquivalent(to other: IPVSService) -> Bool {
        guard key == other.key, scheduler == other.scheduler, flags == other.flags,
            persistenceTimeout == other.persistenceTimeout
        else { return false }
        return persistenceTimeout == nil || persistencePrefixLength == other.persistencePrefixLength
    }
}
