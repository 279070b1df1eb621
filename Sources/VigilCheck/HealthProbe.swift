/// One configured checker ready to run: an adapter (TCP, HTTP, script, ...) behind a protocol,
/// so the scheduling core and the engine never see sockets.
public protocol HealthProbe: Sendable {
    /// Runs the check once. It must return by its own timeout (connect_timeout, misc_timeout)
    /// and never throw: every failure is an outcome.
    func run() async -> CheckOutcome
}
