import VigilCore

/// Where and how a checker connects; unset addresses and ports mean the real server's.
public struct CheckerConnection: Sendable, Hashable, Encodable {
    public let connectIp: Located<IPAddress>?
    public let connectPort: Located<Int>?
    public let bindto: Located<IPAddress>?
    public let bindPort: Located<Int>?
    public let bindIf: Located<String>?
    /// The mark put on the checker's own packets.
    public let fwmark: Located<Int>?
    public let connectTimeout: Located<Seconds>
}

/// When a checker runs and how many failures it tolerates, after inheritance from the real server.
public struct CheckerTiming: Sendable, Hashable, Encodable {
    public let alpha: Located<Bool>
    public let delayLoop: Located<Seconds>
    /// Further attempts after a failure before the real server is marked down.
    public let retry: Located<Int>
    public let delayBeforeRetry: Located<Seconds>
    /// The upper bound of the random delay before the first check.
    public let warmup: Located<Seconds>
    public let logAllFailures: Located<Bool>
}
