/// A vrrp_sync_group: its members move together. Stateless: after any member handles an event,
/// the runtime asks `directives` what the others must do and feeds them those events.
///
/// The rules, kept simple on purpose:
/// - FAULT is a level: while any member is in FAULT for a reason of its own, every other member
///   is held in FAULT (`.syncGroup(.fault(true))`); when none is, they are released.
/// - Master and backup are edges: when a member becomes master on its own, the others that are
///   backup become master; when a master falls back to backup, the others that are master follow.
///   Moves made because of the group are not propagated again, so nothing loops.
///
/// The name matches VigilConfig's `VRRPSyncGroupCoordinator` (the block as written); code importing both
/// modules spells this one `VigilVRRP.VRRPSyncGroupCoordinator`.
public struct VRRPSyncGroupCoordinator: Sendable, Hashable {
    /// The vrrp_sync_group name.
    public let name: String
    /// The member instances' names.
    public let members: [String]

    public init(name: String, members: [String]) {
        self.name = name
        self.members = members
    }

    /// What the other members must handle after `instance` handled an event (and made
    /// `transition`, if it made one). `machines` are the members' current machines.
    public func directives(
        after transition: VRRPTransition?, of instance: String, machines: [VRRPStateMachine]
    ) -> [VRRPSyncGroupDirective] {
        let group = machines.filter { members.contains($0.config.name) }
        var directives: [VRRPSyncGroupDirective] = []
        var held: Set<String> = []
        for machine in group {
            if case .stopped = machine.state { continue }
            let othersFaulty = group.contains { other in
                other.config.name != machine.config.name && !other.ownFaultCauses.isEmpty && other.state != .stopped
            }
            if othersFaulty { held.insert(machine.config.name) }
            if othersFaulty != machine.tracking.syncGroupFault {
                directives.append(VRRPSyncGroupDirective(instance: machine.config.name, event: .syncGroup(.fault(othersFaulty))))
            }
        }
        guard let transition, transition.reason != .syncGroup, members.contains(instance) else { return directives }
        for machine in group where machine.config.name != instance && !held.contains(machine.config.name) {
            switch (transition.to, transition.from, machine.state.name) {
            case (.master, _, .backup):
                directives.append(VRRPSyncGroupDirective(instance: machine.config.name, event: .syncGroup(.becomeMaster)))
            case (.backup, .master, .master):
                directives.append(VRRPSyncGroupDirective(instance: machine.config.name, event: .syncGroup(.becomeBackup)))
            default:
                break
            }
        }
        return directives
    }
}

/// One event the sync group wants a member to handle.
public struct VRRPSyncGroupDirective: Sendable, Hashable {
    /// The member's instance name.
    public let instance: String
    /// The event to hand to its `handle(_:now:)`.
    public let event: VRRPEvent

    public init(instance: String, event: VRRPEvent) {
        self.instance = instance
        self.event = event
    }
}
