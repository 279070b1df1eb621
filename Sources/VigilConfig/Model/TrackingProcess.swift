import VigilCore

/// `vrrp_track_process NAME { ... }`: how many copies of a process must be running for trackers to count it up.
public struct TrackedProcess: Sendable, Encodable {
    /// The name track_process entries refer to.
    public let name: Located<String>
    /// `process NAME [PARAM ...]`: the process name, then parameters to match (quoted words stay whole).
    public let process: Located<[String]>
    /// `param_match [initial|partial]`: how parameters are compared; nil compares the name only.
    public let paramMatch: Located<ProcessParamMatch>?
    /// `weight` -254..254 (default 0: quorum lost means FAULT).
    public let weight: Located<Int>
    /// `weight N reverse`: apply the weight in the opposite direction.
    public let reverse: Located<Bool>
    /// `quorum`: fewest matching processes that count as up (default 1; 0 when quorum_max is 0).
    public let quorum: Located<Int>
    /// `quorum_max`: most matching processes that count as up; nil means no limit.
    public let quorumMax: Located<Int>?
    /// `fork_delay` (or `delay`): wait after quorum is reached before counting up (default 0).
    public let forkDelay: Located<Seconds>
    /// `terminate_delay` (or `delay`): wait after quorum is lost before counting down (default 0).
    public let terminateDelay: Located<Seconds>
    /// `full_command`: match the whole command line, not the process name (implied by parameters or param_match).
    public let fullCommand: Located<Bool>
    /// Where `vrrp_track_process` is written.
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey {
        case name, process, paramMatch, weight, reverse, quorum, quorumMax, forkDelay, terminateDelay, fullCommand
    }
}

/// How `process` parameters are compared with a running command line.
public enum ProcessParamMatch: String, Sendable, Encodable, CaseIterable {
    /// Every parameter, and no more (the default once parameters are given, or bare `param_match`).
    case exact
    /// The last configured parameter may be a prefix of the actual one.
    case initial
    /// Only the configured parameters are compared; the process may have more.
    case partial
}
