/// Decides which VRRP state changes are mailed, following keepalived's switches: smtp_alert per
/// instance and per sync group (their defaults already resolved from global_defs), no_email_faults.
///
/// An instance in a sync group that mails for itself sends no mail of its own: the group's mail
/// (`VRRP Group G1 - Entering MASTER state`) says it once for all members, as keepalived does.
/// A group enters a state when all its members are in it, and FAULT as soon as one member is.
public struct VRRPAlertRules: Sendable {
    /// One vrrp_instance's switches.
    public struct Instance: Sendable, Equatable {
        public let mails: Bool
        /// The sync group it belongs to, if any.
        public let group: String?
        public init(mails: Bool, group: String?) {
            self.mails = mails
            self.group = group
        }
    }

    /// One vrrp_sync_group's switches.
    public struct Group: Sendable, Equatable {
        public let members: [String]
        public let mails: Bool
        public init(members: [String], mails: Bool) {
            self.members = members
            self.mails = mails
        }
    }

    /// What one transition yields: the subjects to mail and the state each left.
    public struct Decision: Equatable, Sendable {
        public var instance: Bool
        /// The group that changed state with this transition, its new state and its state before.
        public var group: (name: String, state: String, previous: String?)?

        public static func == (lhs: Decision, rhs: Decision) -> Bool {
            lhs.instance == rhs.instance && lhs.group?.name == rhs.group?.name && lhs.group?.state == rhs.group?.state
                && lhs.group?.previous == rhs.group?.previous
        }
    }

    private let instances: [String: Instance]
    private let groups: [String: Group]
    private let noEmailFaults: Bool
    private var states: [String: String] = [:]
    private var groupStates: [String: String] = [:]

    public init(instances: [String: Instance], groups: [String: Group], noEmailFaults: Bool) {
        self.instances = instances
        self.groups = groups
        self.noEmailFaults = noEmailFaults
    }

    /// True when any instance or group would ever send mail.
    public var anyMail: Bool { instances.values.contains(where: \.mails) || groups.values.contains(where: \.mails) }

    /// Records that `instance` entered `state` (lower case: init, backup, master, fault, stopped).
    public mutating func transition(of instance: String, to state: String) -> Decision {
        states[instance] = state
        let rule = instances[instance]
        let groupName = rule?.group
        let group = groupName.flatMap { groups[$0] }
        var decision = Decision(instance: false, group: nil)
        if let rule, rule.mails, group?.mails != true, mailable(state) { decision.instance = true }
        if let groupName, let group, group.mails {
            let memberStates = group.members.map { states[$0] }
            let groupState: String? =
                memberStates.contains("fault") ? "fault"
                : memberStates.allSatisfy({ $0 == state }) ? state : nil
            if let groupState, groupStates[groupName] != groupState {
                let previous = groupStates[groupName]
                groupStates[groupName] = groupState
                if mailable(groupState) { decision.group = (groupName, groupState, previous) }
            }
        }
        return decision
    }

    private func mailable(_ state: String) -> Bool {
        switch state {
        case "master", "backup", "stopped": true
        case "fault": !noEmailFaults
        default: false
        }
    }

    /// A state as mail shows it: `MASTER`, `BACKUP`, `FAULT`, `STOP`.
    public static func display(_ state: String) -> String {
        state == "stopped" ? "STOP" : state.uppercased()
    }
}
