import VigilTelemetry

/// The one reload path, for SIGHUP and `vigilctl reload` alike: systemd hears RELOADING=1 before
/// the new configuration is read and READY=1 once it is in use (or rejected).
public final class DaemonReloader: Sendable {
    let service: ServiceManagerLink
    /// Validates the file and applies the difference (`ReloadCoordinator.reload`).
    let apply: @Sendable () async -> ReloadOutcome
    let statusLine: @Sendable () async -> ServiceStatusLine

    init(
        service: ServiceManagerLink, apply: @escaping @Sendable () async -> ReloadOutcome,
        statusLine: @escaping @Sendable () async -> ServiceStatusLine
    ) {
        self.service = service
        self.apply = apply
        self.statusLine = statusLine
    }

    /// Reloads once; concurrent callers are served one after the other by the coordinator.
    public func reload() async -> ReloadOutcome {
        service.reloading(await statusLine())
        let outcome = await apply()
        var status = await statusLine()
        if !outcome.accepted { status.note = "last reload rejected" }
        service.ready(status)
        return outcome
    }
}
