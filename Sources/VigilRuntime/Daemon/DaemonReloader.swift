import VigilTelemetry

/// The one reload path, for SIGHUP and `vigilctl reload` alike: systemd hears RELOADING=1 before
/// the new configuration is read and READY=1 once it is in use (or rejected).
public final class DaemonReloader: Sendable {
    let config: ConfigStore
    let service: ServiceManagerLink
    let statusLine: @Sendable () async -> ServiceStatusLine

    init(config: ConfigStore, service: ServiceManagerLink, statusLine: @escaping @Sendable () async -> ServiceStatusLine) {
        self.config = config
        self.service = service
        self.statusLine = statusLine
    }

    /// Reloads once; concurrent callers are served one after the other by the store's actor.
    public func reload() async -> ReloadOutcome {
        service.reloading(await statusLine())
        let outcome = await config.reload()
        var status = await statusLine()
        if !outcome.accepted { status.note = "last reload rejected" }
        service.ready(status)
        return outcome
    }
}
