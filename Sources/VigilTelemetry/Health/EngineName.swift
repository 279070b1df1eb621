/// The engines that prove progress: the one list of their names, as `vigil_engine_healthy{engine}`,
/// `/healthz`, the systemd watchdog's log lines and `--test-stall` spell them.
public enum EngineName: String, Sendable, CaseIterable {
    /// Swift's cooperative executor: the HTTP handlers, the check engine's tasks, reloads.
    case runtime
    /// The VRRP engine on its own event loop.
    case vrrp
    /// The health-check engine.
    case checks
    /// The alert mailer.
    case mail
}
