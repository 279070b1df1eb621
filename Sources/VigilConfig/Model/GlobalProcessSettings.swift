import VigilCore

/// global_defs: scheduling of the VRRP and checker work.
public struct GlobalProcessSettings: Sendable, Encodable {
    /// `vrrp_priority` -20..19: nice value for VRRP (default 0).
    public let vrrpPriority: Located<Int>
    /// `checker_priority` -20..19: nice value for health checks (default 0).
    public let checkerPriority: Located<Int>
    /// `vrrp_no_swap`: lock VRRP memory so it is never swapped out (default off).
    public let vrrpNoSwap: Located<Bool>
    /// `checker_no_swap`: the same for health checks (default off).
    public let checkerNoSwap: Located<Bool>
    /// `max_auto_priority [-1..99]`: highest real-time priority the daemon may raise itself to when
    /// timers run late; 0 means never (the default), -1 also silences the startup warning,
    /// no value means the system maximum (99).
    public let maxAutoPriority: Located<Int>
    /// `min_auto_priority_delay` (written in microseconds): lateness that triggers a raise (default 1 s).
    public let minAutoPriorityDelay: Located<Seconds>
}
