import Logging

/// What a fault injector may reach in a running daemon: the engines' executors, to break them the
/// way a bug would. The daemon's types hold no fault of their own; a test build brings it.
public struct FaultTargets: Sendable {
    /// Runs a closure on the VRRP engine's loop thread; nil without VRRP.
    public let onVRRPLoop: (@Sendable (@escaping @Sendable () -> Void) -> Void)?
    /// Runs a closure on the check engine's executor and returns when it has run; nil without checks.
    public let onCheckEngine: (@Sendable (@escaping @Sendable () -> Void) async -> Void)?
    public let logger: Logger
}

/// A fault a test build injects into the running daemon (debug vigild's `--test-stall`, which the
/// watchdog tests use); `run` starts with the daemon and ends with it.
public protocol FaultInjection: Sendable {
    func run(_ targets: FaultTargets) async
}
