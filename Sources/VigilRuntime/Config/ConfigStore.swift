import Logging
import VigilConfig
import VigilCore
import VigilTelemetry

/// Owns the configuration in use and replaces it on reload only when the new one is valid.
public actor ConfigStore {
    public private(set) var current: LoadedConfig
    private(set) var reloads = 0
    private(set) var reloadFailures = 0
    private(set) var lastReloadError: String?
    private let loader: ConfigLoading
    /// Reads a reload's file in a child process first; nil reads it here only (tests, and callers
    /// that have no executable to run).
    private let preflight: (any ReloadPreflight)?
    /// How long the daemon's own read of a reload's file may take before the reload is refused.
    private let readLimit: Duration
    private let registry: MetricRegistry
    private let logger: Logger

    /// Starts from a configuration already loaded (and checked) by the caller.
    public init(
        initial: LoadedConfig, loader: @escaping ConfigLoading, preflight: (any ReloadPreflight)? = nil,
        readLimit: Duration = .seconds(30), registry: MetricRegistry, logger: Logger
    ) {
        current = initial
        self.loader = loader
        self.preflight = preflight
        self.readLimit = readLimit
        self.registry = registry
        self.logger = logger
        registry.counter(ConfigMetrics.reloadsTotal).increment(by: 0)
        registry.counter(ConfigMetrics.reloadFailuresTotal).increment(by: 0)
        Self.publish(initial, to: registry)
        registry.gauge(ConfigMetrics.lastReloadSuccessful).set(true)
    }

    /// Loads `path` once, timing it.
    public static func load(_ path: String, with loader: ConfigLoading) -> LoadedConfig {
        let clock = ContinuousClock()
        let start = clock.now
        let result = loader(path)
        return LoadedConfig(path: path, result: result, loadedAt: WallClock.now(), loadDuration: clock.now - start)
    }

    /// Re-reads the file; keeps the current configuration when the new one has errors, when the
    /// check in a child process refused it, or when reading it here takes longer than `readLimit`.
    /// The read runs on a thread of its own, never on the cooperative pool. Callers serialise
    /// reloads (`ReloadCoordinator`): the actor is re-entered while a reload awaits.
    public func reload() async -> ReloadOutcome {
        let path = current.path
        let clock = ContinuousClock()
        let checkStarted = clock.now
        switch await preflight?.check(path) {
        case .refused(let reason)?:
            return refuse("\(path): \(reason); the file was not read by the daemon", errors: 1, diagnostics: [])
        case .unavailable(let reason)?:
            logger.warning("the reload check in a child process could not run; reading the file in the daemon", metadata: ["file": "\(path)", "reason": "\(reason)"])
        case .completed?:
            logger.debug("the reload's file was read in a child process first", metadata: ["file": "\(path)", "seconds": "\((clock.now - checkStarted).inSeconds)"])
        case nil:
            break
        }
        let loader = loader
        guard let candidate = await ThreadWithDeadline.run(within: readLimit, { Self.load(path, with: loader) }) else {
            return refuse("\(path): reading the file took longer than \(readLimit.secondsText) s", errors: 1, diagnostics: [])
        }
        let rendered = candidate.diagnostics.sorted.map(\.description)
        guard !candidate.result.hasErrors else {
            return refuse(
                candidate.diagnostics.errors.first?.description ?? "", errors: candidate.diagnostics.errors.count, diagnostics: rendered)
        }
        let before = current.configuration.global.globalDefs.vigil
        let after = candidate.configuration.global.globalDefs.vigil
        if before.vigilHttpListen.map(\.text) != after.vigilHttpListen.map(\.text)
            || before.vigilControlSocket.value != after.vigilControlSocket.value
        {
            logger.warning(
                "vigil_http_listen and vigil_control_socket changes take effect at the next restart",
                metadata: ["file": "\(candidate.path)"])
        }
        current = candidate
        countReload()
        lastReloadError = nil
        Self.publish(candidate, to: registry)
        registry.gauge(ConfigMetrics.lastReloadSuccessful).set(true)
        logger.info(
            "configuration reloaded",
            metadata: [
                "file": "\(candidate.path)", "warnings": "\(candidate.diagnostics.warnings.count)",
                "vrrp_instances": "\(candidate.configuration.vrrp.vrrpInstances.count)",
                "virtual_servers": "\(candidate.configuration.lvs.virtualServers.count)",
            ])
        return ReloadOutcome(accepted: true, diagnostics: rendered)
    }

    /// A reload counts once it has an outcome, so `vigil_config_reloads_total` and
    /// `vigil_config_last_reload_successful` always describe the same reload: a scrape during a
    /// reload (the check in a child process takes a moment) sees the previous one.
    private func countReload() {
        reloads += 1
        registry.counter(ConfigMetrics.reloadsTotal).increment()
    }

    /// Counts and logs a rejected reload; the configuration in use stays.
    private func refuse(_ firstError: String, errors: Int, diagnostics: [String]) -> ReloadOutcome {
        countReload()
        reloadFailures += 1
        lastReloadError = firstError
        registry.counter(ConfigMetrics.reloadFailuresTotal).increment()
        registry.gauge(ConfigMetrics.lastReloadSuccessful).set(false)
        logger.error(
            "reload rejected; the previous configuration stays in use",
            metadata: ["file": "\(current.path)", "errors": "\(errors)", "first_error": "\(firstError)"])
        return ReloadOutcome(accepted: false, diagnostics: diagnostics.isEmpty ? [firstError] : diagnostics)
    }

    /// The /status view of the configuration and its reload history.
    public func status() -> (loaded: LoadedConfig, config: ConfigStatus) {
        let diagnostics = current.diagnostics
        return (
            current,
            ConfigStatus(
                file: current.path, loadedAt: WallClock.rfc3339(current.loadedAt),
                loadDurationSeconds: current.loadDuration.inSeconds, errors: diagnostics.count(of: .error),
                warnings: diagnostics.count(of: .warning), reloads: reloads, reloadFailures: reloadFailures,
                lastReloadSuccessful: lastReloadError == nil, lastReloadError: lastReloadError)
        )
    }

    private static func publish(_ loaded: LoadedConfig, to registry: MetricRegistry) {
        registry.gauge(ConfigMetrics.lastReloadTimestamp).set(loaded.loadedAt)
        for severity in Severity.allCases {
            registry.gauge(ConfigMetrics.warnings, SeverityLabels(severity: severity.rawValue))
                .set(loaded.diagnostics.count(of: severity))
        }
    }
}
