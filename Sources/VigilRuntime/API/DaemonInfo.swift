/// Facts about this vigild process that /status reports.
public struct DaemonInfo: Sendable {
    public let build: BuildIdentity
    public let pid: Int
    /// Seconds since the epoch.
    public let startedAt: Double
    public let startInstant: ContinuousClock.Instant
    public var listeners: [String]

    public init(build: BuildIdentity, pid: Int, startedAt: Double, startInstant: ContinuousClock.Instant, listeners: [String]) {
        self.build = build
        self.pid = pid
        self.startedAt = startedAt
        self.startInstant = startInstant
        self.listeners = listeners
    }
}
