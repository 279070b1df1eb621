import Logging
import NIOCore
import VigilConfig
import VigilTelemetry
import VigilVRRP

/// The one reload path, for SIGHUP, `vigilctl reload` and `systemctl reload` alike: systemd hears
/// RELOADING=1 before the new configuration is read and READY=1 once it is in use (or rejected);
/// the file is validated (`ConfigStore`), and when it is accepted the difference goes to the VRRP
/// and check engines and the mailer. Reloads run one at a time: a second request waits for the first.
public actor ReloadCoordinator {
    private let config: ConfigStore
    private let vrrp: VRRPEngine?
    private let checks: CheckEngine?
    private let mail: MailAlerts?
    private let runsVRRP: Bool
    private let runsChecks: Bool
    private let probeGroup: any EventLoopGroup
    private let logger: Logger
    private let events: EventJournal?
    /// systemd's RELOADING/READY around each reload, and the STATUS line they carry.
    private let service: ServiceManagerLink?
    private let statusLine: @Sendable () async -> ServiceStatusLine
    /// The reload running or last run; the next one starts after it.
    private var last: Task<ReloadOutcome, Never>?

    init(
        config: ConfigStore, vrrp: VRRPEngine?, checks: CheckEngine?, mail: MailAlerts? = nil, runsVRRP: Bool, runsChecks: Bool,
        probeGroup: any EventLoopGroup, logger: Logger, events: EventJournal? = nil, service: ServiceManagerLink? = nil,
        statusLine: @escaping @Sendable () async -> ServiceStatusLine = { ServiceStatusLine(instances: [], realServers: nil, mail: nil) }
    ) {
        self.events = events
        self.service = service
        self.statusLine = statusLine
        self.config = config
        self.mail = mail
        self.vrrp = vrrp
        self.checks = checks
        self.runsVRRP = runsVRRP
        self.runsChecks = runsChecks
        self.probeGroup = probeGroup
        self.logger = logger
    }

    /// Reloads the configuration file and applies it; returns what the control socket reports.
    public func reload() async -> ReloadOutcome {
        if let service { service.reloading(await statusLine()) }
        let previous = last
        let next = Task {
            _ = await previous?.value
            return await self.apply()
        }
        last = next
        let outcome = await next.value
        if let service {
            var status = await statusLine()
            if !outcome.accepted { status.note = "last reload rejected" }
            service.ready(status)
        }
        return outcome
    }

    private func apply() async -> ReloadOutcome {
        let clock = ContinuousClock()
        let began = clock.now
        let outcome = await config.reload()
        let file = await config.current.path
        guard outcome.accepted else {
            events?.emit(.reload(file: file, accepted: false, detail: outcome.diagnostics.first ?? "rejected"))
            return outcome
        }
        let configuration = await config.current.configuration
        let assembly = EngineAssembly(configuration: configuration, logger: logger)
        var changes: [String] = []
        if runsVRRP {
            let plans = assembly.vrrpPlans
            if let vrrp {
                changes += await vrrp.reconfigure(
                    plans: plans, configured: assembly.configuredInstances, syncGroups: assembly.syncGroups,
                    trackScripts: assembly.trackScripts, trackFiles: assembly.trackFiles)
            } else if !plans.isEmpty {
                logger.warning(
                    "vrrp_instance blocks added by the reload start at the next restart: vigild started without any",
                    metadata: ["vrrp_instances": "\(plans.count)"])
            }
        }
        if runsChecks {
            if let checks {
                let probes = assembly.probes(on: probeGroup)
                changes += await checks.reconfigure(configuration: configuration, makeProbe: probes.probe(for:realServer:virtualServer:))
            } else if !configuration.lvs.virtualServers.isEmpty {
                logger.warning(
                    "virtual_server blocks added by the reload start at the next restart: vigild started without any",
                    metadata: ["virtual_servers": "\(configuration.lvs.virtualServers.count)"])
            }
        }
        await applyMail(assembly.mailSetup)
        events?.emit(.reload(file: file, accepted: true, detail: changes.isEmpty ? "nothing to change in the running engines" : changes.joined(separator: "; ")))
        logger.notice(
            changes.isEmpty ? "reload applied: nothing to change in the running engines" : "reload applied",
            metadata: [
                "changes": "\(changes.count)", "vrrp_instances": "\(configuration.vrrp.vrrpInstances.count)",
                "virtual_servers": "\(configuration.lvs.virtualServers.count)", "seconds": "\((clock.now - began).inSeconds)",
            ])
        return outcome
    }

    /// New mail settings go to the running mailer; turning mail on or off needs a restart.
    private func applyMail(_ setup: MailSetup?) async {
        switch (mail, setup) {
        case (let mail?, let setup?):
            await mail.reconfigure(setup)
        case (nil, _?):
            logger.warning("mail alerts configured by the reload start at the next restart: vigild started without them")
        case (_?, nil):
            logger.warning("mail alerts removed by the reload stop at the next restart; the previous mail settings stay in use")
        case (nil, nil):
            break
        }
    }
}
