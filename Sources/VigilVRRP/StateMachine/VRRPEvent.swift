import VigilCore

/// Everything that can change an instance. Invalid packets are not events: the runtime drops and
/// counts them before the state machine, so they can never reset or delay a timer here.
public enum VRRPEvent: Sendable, Hashable {
    /// Leave Initialize.
    case startup
    /// SIGTERM or removal: a master resigns with priority 0.
    case shutdown
    /// A valid advert for our VRID from another router.
    case advertisementReceived(VRRPHeardAdvertisement)
    /// A timer set by an earlier `setTimer` action expired.
    case timerFired(VRRPTimer)
    /// A tracked interface lost its link.
    case interfaceDown(String)
    /// A tracked interface has its link again.
    case interfaceUp(String)
    /// A vrrp_script changed status, after rise/fall (counted by the script runner, which also
    /// reports `init_fail` scripts as down at startup); before its first report it counts for nothing.
    case trackScriptResult(name: String, isUp: Bool)
    /// A track_file was read.
    case trackFileValue(name: String, value: Int)
    /// The sync group moves this member (see `VRRPSyncGroupCoordinator`).
    case syncGroup(VRRPSyncGroupCommand)
}

/// The part of a valid advert the state machine needs; the runtime builds it from the codec's output.
public struct VRRPHeardAdvertisement: Sendable, Hashable {
    /// The advertised Priority; 0 means the master resigns.
    public var priority: UInt8
    /// The sender's primary address (the advert's source address), for the equal-priority tie-break.
    public var senderAddress: IPAddress
    /// Max Adver Int (VRRPv3) or Adver Int (VRRPv2) carried by the advert.
    public var maxAdvertisementInterval: Duration

    public init(priority: UInt8, senderAddress: IPAddress, maxAdvertisementInterval: Duration) {
        self.priority = priority
        self.senderAddress = senderAddress
        self.maxAdvertisementInterval = maxAdvertisementInterval
    }
}

/// What a sync group tells one of its members to do.
public enum VRRPSyncGroupCommand: Sendable, Hashable {
    /// Another member became master: a backup follows at once.
    case becomeMaster
    /// Another member left master for backup: a master follows.
    case becomeBackup
    /// Another member is (or no longer is) in FAULT for a reason of its own.
    case fault(Bool)
}
