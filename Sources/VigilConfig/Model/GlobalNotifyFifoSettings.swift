import VigilCore

/// global_defs: the FIFOs notify events are written to, as an ordered alternative to notify scripts.
public struct GlobalNotifyFifoSettings: Sendable, Encodable {
    /// `notify_fifo` (+ `notify_fifo_script`): every VRRP and checker event.
    public let notifyFifo: NotifyFifo?
    /// `vrrp_notify_fifo` (+ `vrrp_notify_fifo_script`): VRRP instance and sync group events.
    public let vrrpNotifyFifo: NotifyFifo?
    /// `lvs_notify_fifo` (+ `lvs_notify_fifo_script`): virtual and real server events.
    public let lvsNotifyFifo: NotifyFifo?
    /// `vrrp_notify_priority_changes <BOOL>`: also write priority changes (default off).
    public let vrrpNotifyPriorityChanges: Located<Bool>
    /// `fifo_write_vrrp_states_on_reload`: resend every state after a reload (default off).
    public let fifoWriteVrrpStatesOnReload: Located<Bool>
}

/// `[vrrp_|lvs_]notify_fifo PATH [USER [GROUP]]` and the script that reads it.
public struct NotifyFifo: Sendable, Encodable {
    public let path: Located<String>
    /// Owner of the FIFO; absent means the default script user.
    public let user: Located<String>?
    public let group: Located<String>?
    /// `*_notify_fifo_script`: started by the daemon with the FIFO path as its last argument.
    public let script: ScriptInvocation?
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case path, user, group, script }
}
