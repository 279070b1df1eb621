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
    private let registry: MetricRegistry
    private let logger: Logger

    /// Starts from a configuration already loaded (and checked) by the caller.
    public init(initial: LoadedConfig, loader: @escaping ConfigLoading, registry: MetricRegistry, logger: Logger) {
        current = initial
        self.loader = loader
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

    /// Re-reads the file; keeps the current configuration when the new one has errors.
    public func reload() -> ReloadOutcome {
        reloads += 1
        registry.counter(ConfigMetrics.reloadsTotal).increment()
        let candidate = Self.load(current.path, with: loader)
        let rendered = candidate.diagnostics.sorted.map(\.description)
        guard !candidate.result.hasErrors else {
            reloadFailures += 1
            lastReloadError = candidate.diagnostics.errors.first?.description
            registry.counter(ConfigMetrics.reloadFailuresTotal).increment()
            registry.gauge(ConfigMetrics.lastReloadSuccessful).set(false)
            logger.error(
                "reload rejected; the previous configuration stays in use",
                metadata: [
                    "file": "\(current.path)", "errors": "\(candidate.diagnostics.errors.count)",
                    "first_error": "\(lastReloadError ?? "")",
                ])
            return ReloadOutcome(accepted: false, diagnostics: rendered)
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

    /// The /status view of the configuration and its reload history.
    public func status() -> (loaded: LoadedConfig, config: ConfigStatus) {
        let diagnostics = current.diagnostics
        return (
            current,
            ConfigStatus(
                file: current.path, loadedAt: WallClock.rfc3339(current.loadedAt),
                loadDurationSeconds: current.loadDuration.secondsValue, errors: diagnostics.count(of: .error),
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
