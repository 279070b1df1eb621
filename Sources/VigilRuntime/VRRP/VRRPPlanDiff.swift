/// What a reload changes in the VRRP instances, by instance name.
///
/// An instance keeps running (and its state) when only settings a running state machine can take
/// change: priority, preempt, advert interval, tracking weights, VIPs, notify scripts, garp timing.
/// A new VRID, interface, address family, protocol version, source address or list of unicast
/// peers is a different router on the wire: the instance is removed and added again.
struct VRRPPlanDiff {
    /// Instances whose plan is the same (notify scripts aside, which are swapped silently).
    var unchanged: [VRRPInstancePlan] = []
    /// Instances kept running under a new plan: (old, new).
    var updated: [(old: VRRPInstancePlan, new: VRRPInstancePlan)] = []
    /// Instances stopped and started again under a new plan: (old, new).
    var replaced: [(old: VRRPInstancePlan, new: VRRPInstancePlan)] = []
    var added: [VRRPInstancePlan] = []
    var removed: [VRRPInstancePlan] = []

    init(old: [VRRPInstancePlan], new: [VRRPInstancePlan]) {
        var before: [String: VRRPInstancePlan] = [:]
        for plan in old { before[plan.name] = plan }
        var seen: Set<String> = []
        for plan in new {
            seen.insert(plan.name)
            guard let previous = before[plan.name] else {
                added.append(plan)
                continue
            }
            if previous.hasSameSettings(as: plan) {
                unchanged.append(plan)
            } else if previous.isSameRouter(as: plan) {
                updated.append((previous, plan))
            } else {
                replaced.append((previous, plan))
            }
        }
        removed = old.filter { !seen.contains($0.name) }
    }

    var isEmpty: Bool { updated.isEmpty && replaced.isEmpty && added.isEmpty && removed.isEmpty }
}

extension VRRPInstancePlan {
    /// Same router on the wire: a running instance can take the other plan in place.
    func isSameRouter(as other: VRRPInstancePlan) -> Bool {
        name == other.name && interface == other.interface && family == other.family && version == other.version
            && machine.virtualRouterId == other.machine.virtualRouterId && machine.interface == other.machine.interface
            && source == other.source && destinations == other.destinations
    }

    /// Every setting the engine acts on is equal (notify scripts are read at each transition, so
    /// a change to them needs nothing but the new plan).
    func hasSameSettings(as other: VRRPInstancePlan) -> Bool {
        isSameRouter(as: other) && machine == other.machine && virtualAddresses == other.virtualAddresses
            && authentication == other.authentication && skipsAddressCheck == other.skipsAddressCheck
            && garpOnMaster == other.garpOnMaster && garpOnLowerPriority == other.garpOnLowerPriority
    }
}
