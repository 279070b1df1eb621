#if canImport(Glibc)
import Glibc
#endif
import ArgumentParser
import Logging
import ServiceLifecycle
import VigilConfig
import VigilHTTP
import VigilPlatform
import VigilRuntime
import VigilTelemetry

/// The vigild command line: run (the default), check or dump a configuration.
@main
struct Vigild: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigild",
        abstract: "Vigil high-availability daemon: VRRP, health checks and IPVS from a keepalived.conf.",
        discussion: "Runs in the foreground (it never forks) and logs to stderr, or to the journal under systemd. SIGTERM or SIGINT stops it; SIGHUP reloads the configuration.",
        version: VigilVersion.current
    )

    @Option(name: [.customShort("f"), .customLong("use-file")], help: "Configuration file (default: /etc/vigil/vigil.conf, then /etc/keepalived/keepalived.conf).")
    var file: String?

    @Flag(name: [.customShort("t"), .customLong("config-test")], help: "Check the configuration, print diagnostics and exit (0 when it has no errors).")
    var configTest = false

    @Flag(name: .customLong("dump-config"), help: "Print the normalized configuration as JSON and exit.")
    var dumpConfig = false

    @Option(name: [.customShort("i"), .customLong("config-id")], help: "The id matched by '@id' lines (default: the short host name).")
    var configId: String?

    @Option(name: .customLong("listen"), help: ArgumentHelp("Serve /metrics, /healthz and /status on ADDRESS:PORT (repeatable; replaces vigil_http_listen; port 0 picks a free port).", valueName: "address:port"))
    var listen: [String] = []

    @Option(name: .customLong("control-socket"), help: ArgumentHelp("The owner-only unix socket for vigilctl (replaces vigil_control_socket; \"\" disables it).", valueName: "path"))
    var controlSocket: String?

    @Flag(name: [.customShort("P"), .customLong("vrrp")], help: "Run only VRRP (as keepalived -P); health checks are not run.")
    var vrrpOnly = false

    @Flag(name: [.customShort("C"), .customLong("check")], help: "Run only the health checkers (as keepalived -C): no VRRP, no interface or address is touched.")
    var checkOnly = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Flag(name: .customLong("probe"), help: "Report what the kernel and system libraries offer (netlink, IPVS, systemd) and exit.")
    var probe = false

    @Flag(name: .customLong("list-unsupported-keywords"), help: ArgumentHelp("Print the keepalived keywords Vigil does not support yet, as a markdown table.", visibility: .hidden))
    var listUnsupported = false

    @Flag(name: .customLong("preflight"), help: ArgumentHelp("Read the configuration under CPU and memory limits and exit 0 when reading finished (the daemon runs this in a child process before each reload).", visibility: .hidden))
    var preflight = false

    @Flag(name: .customLong("list-metrics"), help: ArgumentHelp("Print every metric Vigil exports, as the markdown table of docs/METRICS.md.", visibility: .hidden))
    var listMetrics = false

    #if DEBUG
    // Absent from release builds: a switch that hangs an engine must never reach production.
    @Option(name: .customLong("test-stall"), help: ArgumentHelp("Debug builds only: hang ENGINE (vrrp or checks) after SECONDS, to test the systemd watchdog.", valueName: "engine@seconds", visibility: .hidden))
    var testStall: String?
    #endif

    /// The stall the command line asks for; always nil in release builds.
    var injectedStall: InjectedStall? {
        #if DEBUG
        testStall.flatMap(InjectedStall.init)
        #else
        nil
        #endif
    }

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level '\(logLevel)' is not a level; expected trace, debug, info, notice, warning, error or critical")
        }
        if vrrpOnly && checkOnly { throw ValidationError("--vrrp and --check exclude each other") }
        #if DEBUG
        if let testStall, InjectedStall(testStall) == nil {
            throw ValidationError("--test-stall '\(testStall)': expected ENGINE or ENGINE@SECONDS with ENGINE one of \(InjectedStall.engines.joined(separator: ", "))")
        }
        #endif
        for text in listen {
            if case .failure(let error) = ListenAddress.parse(text) { throw ValidationError("--listen: \(error)") }
        }
    }

    func run() async throws {
        if listUnsupported { return print(UnsupportedKeyword.markdownTable) }
        if listMetrics { return print(MetricsDocumentation.markdownTable(), terminator: "") }
        if probe { return print(PlatformProbe.run().description) }
        let path = ConfigCheck.resolvePath(file)
        if preflight { return try preflightCheck(path) }
        if configTest || dumpConfig { return try check(path) }
        try await runDaemon(path)
    }

    func check(_ path: String) throws {
        let result = ConfigCheck.load(path: path, configId: configId)
        let renderer = DiagnosticRenderer(colors: ConfigCheck.isTerminal(2))
        if !result.diagnostics.isEmpty || configTest {
            ConfigCheck.printError(renderer.render(result.diagnostics, sources: result.sources))
        }
        if result.hasErrors { throw ExitCode(1) }
        if dumpConfig { print(try ConfigDump.json(result.configuration)) }
    }

    /// The child side of a reload: limits first, then a read whose only outcome that matters is
    /// finishing (errors are the daemon's to report); a crash or a broken limit ends the process.
    func preflightCheck(_ path: String) throws {
        // Without the limits the check still runs apart from the daemon: a crash still costs only
        // the reload, so a refused setrlimit (a seccomp filter) must not refuse every reload.
        if let failure = ResourceLimits.reloadCheck.applyToSelf() {
            ConfigCheck.printError("vigild --preflight: cannot set resource limits (\(failure)); checking without them")
        }
        _ = ConfigCheck.load(path: path, configId: configId)
    }

    /// How the daemon runs `preflightCheck` for a reload: the same executable, the same config id.
    static func preflightCommand(configId: String?) -> @Sendable (String) -> [String] {
        { path in ["/proc/self/exe", "--preflight", "--use-file", path] + (configId.map { ["--config-id", $0] } ?? []) }
    }

    func runDaemon(_ path: String) async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in VigilLogHandler(label: label, level: level) }
        let logger = Logger(label: "vigild")
        let listeners = listen.compactMap { try? ListenAddress.parse($0).get() }
        var options = DaemonOptions(
            configPath: path, listenOverride: listeners, controlSocketOverride: controlSocket, runsVRRP: !checkOnly,
            runsChecks: !vrrpOnly)
        #if DEBUG
        options.faults = injectedStall.map(EngineStall.init)
        #endif
        options.reloadPreflight = ChildProcessPreflight(command: Self.preflightCommand(configId: configId))
        let configId = configId
        do {
            let daemon = try VigilDaemon(
                options: options, loader: { ConfigCheck.load(path: $0, configId: configId) }, logger: logger)
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: daemon)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        } catch let error as DaemonStartupError {
            ConfigCheck.printError(error.description)
            throw ExitCode(1)
        }
        logger.info("stopped")
    }
}

#if DEBUG
/// `--test-stall ENGINE@SECONDS`: after SECONDS, blocks the engine's thread for a minute as a hung
/// engine would, so tests can watch the watchdog and /healthz react. Debug builds only.
struct EngineStall: FaultInjection {
    let stall: InjectedStall

    func run(_ targets: FaultTargets) async {
        try? await Task.sleep(for: stall.after)
        guard !Task.isCancelled else { return }
        targets.logger.critical("test switch: stalling an engine on purpose", metadata: ["engine": "\(stall.engine)"])
        switch stall.engine {
        case EngineName.vrrp.rawValue: targets.onVRRPLoop?(Self.hang)
        case EngineName.checks.rawValue: await targets.onCheckEngine?(Self.hang)
        default: break
        }
    }

    /// Blocks the calling thread for a minute: long enough for any watchdog test, short enough to end.
    @Sendable static func hang() {
        for _ in 0..<600 { usleep(100_000) }
    }
}
#endif
