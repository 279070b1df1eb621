import VigilCore

/// One vrrp_sync_group: instances that change state together, with tracking and notifications for the group.
public struct VRRPSyncGroup: Sendable, Encodable {
    public let name: String
    /// Where `vrrp_sync_group` is written.
    public let location: SourceLocation
    /// Member instance names as written (validation reports unknown ones).
    public let group: [Located<String>]
    public let trackInterface: [TrackedObject]
    public let trackScript: [TrackedObject]
    public let trackFile: [TrackedObject]
    public let trackProcess: [TrackedObject]
    public let notifyMaster: ScriptInvocation?
    public let notifyBackup: ScriptInvocation?
    public let notifyFault: ScriptInvocation?
    public let notifyStop: ScriptInvocation?
    public let notifyDeleted: DeletedNotification?
    public let notify: ScriptInvocation?
    public let notifyPriorityChanges: Located<Bool>
    public let smtpAlert: Located<Bool>
    /// Deprecated: members keep their own tracking weights.
    public let globalTracking: Located<Bool>
    /// Members keep their own tracking weights instead of having them set to 0.
    public let syncGroupTrackingWeight: Located<Bool>

    public init(
        name: String, location: SourceLocation, group: [Located<String>], trackInterface: [TrackedObject],
        trackScript: [TrackedObject], trackFile: [TrackedObject], trackProcess: [TrackedObject],
        notifyMaster: ScriptInvocation?, notifyBackup: ScriptInvocation?, notifyFault: ScriptInvocation?,
        notifyStop: ScriptInvocation?, notifyDeleted: DeletedNotification?, notify: ScriptInvocation?,
        notifyPriorityChanges: Located<Bool>, smtpAlert: Located<Bool>, globalTracking: Located<Bool>,
        syncGroupTrackingWeight: Located<Bool>
    ) {
        self.name = name
        self.location = location
        self.group = group
        self.trackInterface = trackInterface
        self.trackScript = trackScript
        self.trackFile = trackFile
        self.trackProcess = trackProcess
        self.notifyMaster = notifyMaster
        self.notifyBackup = notifyBackup
        self.notifyFault = notifyFault
        self.notifyStop = notifyStop
        self.notifyDeleted = notifyDeleted
        self.notify = notify
        self.notifyPriorityChanges = notifyPriorityChanges
        self.smtpAlert = smtpAlert
        self.globalTracking = globalTracking
        self.syncGroupTrackingWeight = syncGroupTrackingWeight
    }

    private enum CodingKeys: String, CodingKey {
        case name, group, trackInterface, trackScript, trackFile, trackProcess, notifyMaster, notifyBackup
        case notifyFault, notifyStop, notifyDeleted, notify, notifyPriorityChanges, smtpAlert, globalTracking
        case syncGroupTrackingWeight
    }
}

/// One garp_group: spacing of gratuitous ARPs / unsolicited NAs on an interface or a set sharing a switch.
public struct GarpGroup: Sendable, Encodable {
    /// Where `garp_group` is written.
    public let location: SourceLocation
    /// Delay between gratuitous ARPs (microsecond resolution).
    public let garpInterval: Located<Seconds>?
    /// Delay between unsolicited neighbour advertisements.
    public let gnaInterval: Located<Seconds>?
    /// The one interface the intervals apply to.
    public let interface: Located<String>?
    /// Interfaces across which the intervals are shared.
    public let interfaces: [Located<String>]

    public init(
        location: SourceLocation, garpInterval: Located<Seconds>?, gnaInterval: Located<Seconds>?,
        interface: Located<String>?, interfaces: [Located<String>]
    ) {
        self.location = location
        self.garpInterval = garpInterval
        self.gnaInterval = gnaInterval
        self.interface = interface
        self.interfaces = interfaces
    }

    private enum CodingKeys: String, CodingKey { case garpInterval, gnaInterval, interface, interfaces }
}
