import VigilCore

/// `vrrp_script NAME { ... }`: a check command run periodically; its exit status moves the
/// priority (or the state) of every VRRP instance and sync group that tracks it.
public struct VRRPScript: Sendable, Encodable {
    /// The name track_script entries refer to.
    public let name: Located<String>
    /// `script`: the argv (quoted text is split on unquoted spaces).
    public let script: Located<[String]>
    /// `interval`: whole seconds between runs (default 1).
    public let interval: Located<Seconds>
    /// `timeout`: whole seconds after which a run counts as failed (default: the interval).
    public let timeout: Located<Seconds>
    /// `weight` -253..253: added on success when positive, subtracted on failure when negative;
    /// 0 (the default) puts trackers into FAULT after `fall` failures.
    public let weight: Located<Int>
    /// `weight N reverse`: apply the weight in the opposite direction.
    public let reverse: Located<Bool>
    /// `rise`: successes needed to count as up (default 1).
    public let rise: Located<Int>
    /// `fall`: failures needed to count as down (default 1).
    public let fall: Located<Int>
    /// `user USER [GROUP]`; absent means global_defs script_user.
    public let user: Located<String>?
    public let group: Located<String>?
    /// `init_fail`: start in the failed state rather than unknown (default off).
    public let initFail: Located<Bool>
    /// Where `vrrp_script` is written.
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey {
        case name, script, interval, timeout, weight, reverse, rise, fall, user, group, initFail
    }
}
