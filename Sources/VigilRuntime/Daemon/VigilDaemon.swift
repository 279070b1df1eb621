#if canImport(Glibc)
import Glibc
#endif
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
    /// How often the engines are asked to prove progress, and how long they may stay silent.
    static let pulse = TimeAmount.seconds(1)
    /// One thread of its own for the VRRP actor, so adverts never queue behind HTTP or checks.
    static let vrrpLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    static let runtimeDeadline = Duration.seconds(3)

    let options: DaemonOptions
    let logger: Logger
    let registry: MetricRegistry
    let config: ConfigStore
    let progress: ProgressBoard
    let router: APIRouter
    let initialListeners: [(address: ListenAddress, role: ListenerRole)]
    let vrrp: VRRPEngine?
    let checks: CheckEngine?
    /// Alert mail; nil when the configuration sends none.
    let mail: MailAlerts?
    static let vrrpDeadline = Duration.seconds(3)
    static let checkDeadline = Duration.seconds(3)
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
        config = ConfigStore(initial: loaded, loader: loader, registry: registry, logger: logger)
        let plans = options.runsVRRP ? Self.vrrpPlans(loaded.configuration, logger: logger) : []
        var engines = [EngineDeadline(engine: "runtime", deadline: Self.runtimeDeadline)]
        if !plans.isEmpty { engines.append(EngineDeadline(engine: VRRPEngine.engineName, deadline: Self.vrrpDeadline)) }
        let runsChecks = options.runsChecks && !loaded.configuration.lvs.virtualServers.isEmpty
        if runsChecks { engines.append(EngineDeadline(engine: CheckEngine.engineName, deadline: Self.checkDeadline)) }
        let mailSetup = MailSetup.make(loaded.configuration, hostName: ProbeFactory.hostName(), version: build.version)
        if mailSetup != nil { engines.append(EngineDeadline(engine: MailAlerts.engineName, deadline: MailAlerts.deadline)) }
        progress = ProgressBoard(engines: engines, registry: registry)
        if let mailSetup {
            mail = MailAlerts(setup: mailSetup, transport: SMTPMailTransport(), registry: registry, progress: progress, logger: logger)
        } else {
            mail = nil
        }
        if plans.isEmpty {
            vrrp = nil
        } else {
            do {
                let groups = loaded.configuration.vrrp.vrrpSyncGroups.map { group in
                    VRRPSyncGroupCoordinator(name: group.name, members: group.group.map(\.value))
                }
                vrrp = VRRPEngine(
                    plans: plans, syncGroups: groups,
                    trackScripts: TrackScriptRunner(configuration: loaded.configuration, logger: logger),
                    trackFiles: TrackFileWatcher(configuration: loaded.configuration, logger: logger),
                    addresses: try RouteNetlinkAddresses(), registry: registry,
                    progress: progress, logger: logger, eventLoop: Self.vrrpLoops.next(), mail: mail)
            } catch {
                throw DaemonStartupError(description: "vigild: cannot open rtnetlink to manage virtual addresses: \(error)")
            }
        }
        var collectors: [any ScrapeCollector] = [ProcessCollector()]
        if runsChecks {
            let kernel = Self.openIPVS(logger: logger)
            if let kernel { collectors.append(IPVSCollector(kernel: kernel)) }
            let probes = ProbeFactory(configuration: loaded.configuration, group: MultiThreadedEventLoopGroup.singleton)
            checks = CheckEngine(
                configuration: loaded.configuration, makeProbe: probes.probe(for:realServer:virtualServer:), kernel: kernel,
                registry: registry, progress: progress, logger: logger, mail: mail)
        } else {
            checks = nil
        }
        initialListeners = options.listeners(for: loaded.configuration)
        let exposition = MetricsExposition(registry: registry, collectors: collectors)
        router = APIRouter(
            exposition: exposition, config: config, progress: progress,
            daemon: DaemonInfo(
                build: build, pid: Int(getpid()), startedAt: startedAt, startInstant: .now, listeners: []),
            logger: logger, vrrp: vrrp, checks: checks, mail: mail, offload: Self.renderOffLoop)
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

    /// The instances that can run here; the others are logged once and left out.
    static func vrrpPlans(_ configuration: Configuration, logger: Logger) -> [VRRPInstancePlan] {
        configuration.vrrp.vrrpInstances.compactMap { instance in
            // Read and checked by the configuration, not yet carried out: say so once, at start.
            var ignored: [String] = []
            if instance.useVmac != nil { ignored.append("use_vmac (the VIPs go on the interface itself)") }
            if !instance.trackProcess.isEmpty { ignored.append("track_process") }
            if !ignored.isEmpty {
                logger.warning(
                    "vrrp_instance settings not applied yet", metadata: ["vrrp_instance": "\(instance.name)", "settings": "\(ignored.joined(separator: ", "))"])
            }
            switch VRRPInstancePlan.make(instance, scripts: configuration.global.globalDefs.scripts, tracking: configuration.tracking) {
            case .success(let plan): return plan
            case .failure(let problem):
                logger.error("vrrp_instance not started", metadata: ["vrrp_instance": "\(instance.name)", "reason": "\(problem)"])
                return nil
            }
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
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.runtimeLoop() }
            group.addTask { await self.reloadOnHangup() }
            try? await gracefulShutdown()
            group.cancelAll()
        }
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
    func runtimeLoop() async {
        let progress = progress
        let vrrp = vrrp
        let checks = checks
        let pulses = Self.vrrpLoops.next().scheduleRepeatedTask(initialDelay: .zero, delay: Self.pulse) { _ in
            vrrp?.heartbeatOnLoop()
            Task {
                progress.beat("runtime")
                await checks?.heartbeat()
                await checks?.resyncIfDue()
            }
        }
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(3600))
        }
        pulses.cancel()
    }

    func reloadOnHangup() async {
        let signals = await UnixSignalsSequence(trapping: .sighup)
        for await _ in signals {
            if Task.isCancelled { return }
            logger.info("SIGHUP: reloading the configuration", metadata: ["file": "\(options.configPath)"])
            _ = await config.reload()
        }
    }

    static func url(_ address: ListenAddress) -> String {
        switch address {
        case .tcp: "http://\(address)"
        case .unixSocket: "\(address)"
        }
    }
}
