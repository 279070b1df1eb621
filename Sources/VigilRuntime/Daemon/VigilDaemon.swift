import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import UnixSignals
import VigilConfig
import VigilHTTP
import VigilIPVS
import VigilMailer
import VigilPlatform
import VigilTelemetry
import VigilVRRP

/// Why the daemon could not start, worded for the operator.
public struct DaemonStartupError: Error, CustomStringConvertible {
    public let description: String
}

/// The running daemon: configuration, metrics, the HTTP listeners and the engines' loops.
public final class VigilDaemon: Service {
    /// One thread of its own for the VRRP actor, so adverts never queue behind HTTP or checks.
    static let vrrpLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    let options: DaemonOptions
    let logger: Logger
    let registry: MetricRegistry
    let config: ConfigStore
    let progress: ProgressBoard
    let router: APIRouter
    let initialListeners: [(address: ListenAddress, role: ListenerRole)]
    let vrrp: VRRPEngine?
    let checks: CheckEngine?
    /// How fast engines beat, and whether (and how often) systemd's watchdog is fed.
    let watchdog: WatchdogPolicy
    let service: ServiceManagerLink
    /// The one reload path: systemd's RELOADING/READY around the coordinator that applies the difference.
    let reloader: ReloadCoordinator
    /// Alert mail; nil when the configuration sends none.
    let mail: MailAlerts?
    /// What happened and why, for `GET /events` and `vigilctl events`.
    let events = EventJournal()
    /// How long shutdown waits for the last alerts (Entering STOP state); VIPs are already released.
    static let mailDrainLimit = Duration.seconds(2)

    /// Loads and checks the configuration; throws (with the rendered diagnostics) when it has errors.
    public init(options: DaemonOptions, loader: @escaping ConfigLoading, logger: Logger) throws {
        self.options = options
        self.logger = logger
        let startedAt = WallClock.now()
        let loaded = ConfigStore.load(options.configPath, with: loader)
        if loaded.result.hasErrors {
            let rendered = DiagnosticRenderer(colors: false).render(loaded.diagnostics, sources: loaded.result.sources)
            throw DaemonStartupError(description: rendered + "vigild: \(options.configPath) has errors; not starting")
        }
        do {
            registry = try MetricRegistry()
        } catch {
            throw DaemonStartupError(description: "vigild: \(error)")
        }
        let build = BuildIdentity.current
        registry.gauge(
            DaemonMetrics.buildInfo,
            BuildInfoLabels(version: build.version, revision: build.revision, swiftVersion: build.swiftVersion)
        ).set(1)
        registry.gauge(DaemonMetrics.startTime).set(startedAt)
        config = ConfigStore(initial: loaded, loader: loader, preflight: options.reloadPreflight, registry: registry, logger: logger)
        let assembly = EngineAssembly(configuration: loaded.configuration, logger: logger)
        let plans = options.runsVRRP ? assembly.vrrpPlans : []
        let watchdog = Self.watchdogPolicy(logger: logger)
        self.watchdog = watchdog
        var engines = [EngineName.runtime.rawValue]
        if !plans.isEmpty { engines.append(VRRPEngine.engineName) }
        let runsChecks = options.runsChecks && !loaded.configuration.lvs.virtualServers.isEmpty
        if runsChecks { engines.append(CheckEngine.engineName) }
        let mailSetup = assembly.mailSetup
        if mailSetup != nil { engines.append(MailAlerts.engineName) }
        progress = ProgressBoard(
            engines: engines.map { EngineDeadline(engine: $0, deadline: watchdog.engineDeadline) }, registry: registry)
        service = ServiceManagerLink(
            socket: ServiceManagerSocket(), policy: watchdog, progress: progress, engines: engines, registry: registry, logger: logger)
        if let mailSetup {
            mail = MailAlerts(setup: mailSetup, transport: SMTPMailTransport(), registry: registry, progress: progress, logger: logger)
        } else {
            mail = nil
        }
        if plans.isEmpty {
            vrrp = nil
        } else {
            do {
                vrrp = VRRPEngine(
                    plans: plans, syncGroups: assembly.syncGroups, trackScripts: assembly.trackScripts, trackFiles: assembly.trackFiles,
                    host: .system(addresses: try RouteNetlinkAddresses()), registry: registry,
                    progress: progress, logger: logger, eventLoop: Self.vrrpLoops.next(), mail: mail, events: events)
            } catch {
                throw DaemonStartupError(description: "vigild: cannot open rtnetlink to manage virtual addresses: \(error)")
            }
        }
        var collectors: [any ScrapeCollector] = [ProcessCollector()]
        if runsChecks {
            let kernel = Self.openIPVS(logger: logger)
            if let kernel { collectors.append(IPVSCollector(kernel: kernel)) }
            let probes = assembly.probes(on: MultiThreadedEventLoopGroup.singleton)
            checks = CheckEngine(
                configuration: loaded.configuration, makeProbe: probes.probe(for:realServer:virtualServer:), kernel: kernel,
                registry: registry, progress: progress, logger: logger, mail: mail, events: events)
        } else {
            checks = nil
        }
        initialListeners = options.listeners(for: loaded.configuration)
        let (vrrpEngine, checkEngine, mailAlerts) = (vrrp, checks, mail)
        let reloader = ReloadCoordinator(
            config: config, vrrp: vrrp, checks: checks, mail: mail, runsVRRP: options.runsVRRP, runsChecks: options.runsChecks,
            probeGroup: MultiThreadedEventLoopGroup.singleton, logger: logger, events: events, service: service,
            statusLine: { await Self.statusLine(vrrp: vrrpEngine, checks: checkEngine, mail: mailAlerts) })
        self.reloader = reloader
        let exposition = MetricsExposition(registry: registry, collectors: collectors)
        router = APIRouter(
            exposition: exposition, config: config, progress: progress,
            daemon: DaemonInfo(
                build: build, pid: Int(getpid()), startedAt: startedAt, startInstant: .now, listeners: []),
            logger: logger, vrrp: vrrp, checks: checks, mail: mail, events: events, offload: Self.renderOffLoop,
            reload: { await reloader.reload() })
        FileDescriptorLimit.raise()
        MemoryTuning.applyForLargeScrapes()
        logger.info(
            "configuration loaded",
            metadata: [
                "file": "\(options.configPath)", "warnings": "\(loaded.diagnostics.warnings.count)",
                "vrrp_instances": "\(loaded.configuration.vrrp.vrrpInstances.count)",
                "virtual_servers": "\(loaded.configuration.lvs.virtualServers.count)",
            ])
    }

    /// systemd's WATCHDOG_USEC (honouring WATCHDOG_PID), read once at start.
    static func watchdogPolicy(logger: Logger) -> WatchdogPolicy {
        switch PlatformProbe.watchdogState() {
        case .disabled: return WatchdogPolicy(interval: nil)
        case .enabled(let interval): return WatchdogPolicy(interval: .microseconds(interval.microseconds))
        case .invalid(let reason):
            logger.error("WATCHDOG_USEC is invalid; the systemd watchdog is not fed", metadata: ["error": "\(reason)"])
            return WatchdogPolicy(interval: nil)
        }
    }

    /// The one line systemd shows: instance states, real servers up.
    static func statusLine(vrrp: VRRPEngine?, checks: CheckEngine?, mail: MailAlerts?) async -> ServiceStatusLine {
        let instances = await vrrp?.snapshot().map { (name: $0.key, state: $0.value.state) } ?? []
        return ServiceStatusLine(instances: instances, realServers: await checks?.realServerTally(), mail: mail?.summary())
    }

    /// The kernel's IPVS, or nil (logged once) when it has none: checks still run and are exported.
    static func openIPVS(logger: Logger) -> (any IPVSKernel)? {
        do {
            let kernel = try IPVSGenericNetlink.open()
            logger.info("IPVS available: the table follows the health checks")
            return kernel
        } catch {
            logger.error(
                "IPVS is not available; health checks run and are exported, but no IPVS table is programmed",
                metadata: ["reason": "\(error)"])
            return nil
        }
    }

    /// Rendering is CPU-bound; NIO's blocking pool keeps it off the cooperative threads engines use.
    @Sendable static func renderOffLoop(_ work: @escaping @Sendable () -> [UInt8]) async -> [UInt8] {
        (try? await NIOThreadPool.singleton.runIfActive(work)) ?? work()
    }

    public func run() async throws {
        let server: HTTPServer
        do {
            server = try await HTTPServer.start(listeners: initialListeners, handler: router, logger: logger)
        } catch {
            throw DaemonStartupError(description: "vigild: \(error)")
        }
        router.setListeners(server.boundAddresses.map { Self.url($0.address) })
        logger.info("vigild started", metadata: ["version": "\(BuildIdentity.current.version)", "pid": "\(getpid())"])
        await vrrp?.start()
        await checks?.start()
        // Outside the task group: it must outlive the engines' shutdown to mail their STOP changes.
        let mailLoop = mail.map { mail in Task { await mail.run() } }
        service.ready(await Self.statusLine(vrrp: vrrp, checks: checks, mail: mail))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.runtimeLoop() }
            group.addTask { await self.reloadOnHangup() }
            group.addTask { await self.service.runWatchdog() }
            group.addTask { await self.refreshStatus() }
            if let faults = self.options.faults { group.addTask { await faults.run(self.faultTargets) } }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        service.stopping()
        logger.info("stopping")
        await vrrp?.shutdown()
        await checks?.shutdown()
        await mail?.drain(within: Self.mailDrainLimit)
        mailLoop?.cancel()
        await server.shutdown()
    }

    /// One pulse a second, on the VRRP loop's thread: the VRRP actor proves it answers right there
    /// (it lives on that loop), and a task on the cooperative pool proves the Swift executor runs.
    /// A loop timer instead of `Task.sleep` saves the global executor's timer thread its hand-offs,
    /// which were most of an idle daemon's wake-ups.
    ///
    /// Under systemd's watchdog the pulse runs from the cooperative pool instead and reaches the
    /// VRRP loop with a hop: a hung VRRP loop then silences only the VRRP engine, so the log and
    /// `vigil_watchdog_stalled` name the engine that hung rather than all of them.
    func runtimeLoop() async {
        let progress = progress
        let vrrp = vrrp
        let checks = checks
        let mail = mail
        let beatTheRest: @Sendable () -> Void = {
            Task {
                progress.beat(EngineName.runtime.rawValue)
                await mail?.heartbeat()
                await checks?.heartbeat()
                await checks?.resyncIfDue()
            }
        }
        if watchdog.interval != nil {
            while !Task.isCancelled {
                if let vrrp { vrrp.eventLoop.execute { vrrp.heartbeatOnLoop() } }
                beatTheRest()
                try? await Task.sleep(for: watchdog.pulse)
            }
            return
        }
        let pulses = Self.vrrpLoops.next().scheduleRepeatedTask(initialDelay: .zero, delay: .init(watchdog.pulse)) { _ in
            vrrp?.heartbeatOnLoop()
            beatTheRest()
        }
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
        pulses.cancel()
    }

    /// Keeps `systemctl status` current; only under systemd, and only when the line changes.
    func refreshStatus() async {
        guard service.socket.isConnected else { return }
        var last = ""
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(5))
            let line = await Self.statusLine(vrrp: vrrp, checks: checks, mail: mail)
            if line.text != last {
                service.status(line)
                last = line.text
            }
        }
    }

    /// What an injected fault may reach: the engines' executors.
    var faultTargets: FaultTargets {
        var onVRRPLoop: (@Sendable (@escaping @Sendable () -> Void) -> Void)?
        if let loop = vrrp?.eventLoop {
            onVRRPLoop = { body in loop.execute(body) }
        }
        var onCheckEngine: (@Sendable (@escaping @Sendable () -> Void) async -> Void)?
        if let checks {
            onCheckEngine = { body in await checks.runIsolated(body) }
        }
        return FaultTargets(onVRRPLoop: onVRRPLoop, onCheckEngine: onCheckEngine, logger: logger)
    }

    func reloadOnHangup() async {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals {
            if Task.isCancelled { return }
            logger.info("SIGHUP: reloading the configuration", metadata: ["file": "\(options.configPath)"])
            _ = await reload()
        }
    }

    /// The one reload, for SIGHUP and `POST /reload` alike: validate, then apply the difference.
    public func reload() async -> ReloadOutcome { await reloader.reload() }

    static func url(_ address: ListenAddress) -> String {
        switch address {
        case .tcp: "http://\(address)"
        case .unixSocket: "\(address)"
        }
    }
}
