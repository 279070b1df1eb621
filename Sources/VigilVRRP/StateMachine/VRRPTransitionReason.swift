/// Why a state changed; the raw value is the Prometheus `reason` label, so keep it stable.
public enum VRRPTransitionReason: String, Sendable, Hashable, CaseIterable {
    /// Initialize → Backup.
    case startup
    /// Initialize (or FAULT cleared) → Master for priority 255.
    case addressOwner = "address_owner"
    /// Master_Down expired: the master fell silent.
    case masterDownTimer = "master_down_timer"
    /// Master_Down expired while we ignored a lower-priority master.
    case preempt
    /// Master_Down expired after the master resigned with priority 0.
    case priorityZeroReceived = "priority_zero_received"
    /// A master heard a higher priority.
    case higherPriorityAdvert = "higher_priority_advert"
    /// A master heard its own priority from a higher primary address.
    case equalPriorityHigherAddress = "equal_priority_higher_address"
    /// SIGTERM or removal from the configuration.
    case shutdown
    /// A tracked interface went down (or up, with reverse).
    case interfaceDown = "interface_down"
    /// FAULT ended because a tracked interface came back.
    case interfaceUp = "interface_up"
    /// A weight-0 track_script failed.
    case trackScript = "track_script"
    /// A weight-0 track_file reported failure.
    case trackFile = "track_file"
    /// FAULT ended because a script or file recovered.
    case faultCleared = "fault_cleared"
    /// Another member of the sync group moved, and this one followed.
    case syncGroup = "sync_group"
}
