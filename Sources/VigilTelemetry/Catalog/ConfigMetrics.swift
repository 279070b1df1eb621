/// Labels of `vigil_config_warnings`.
public struct SeverityLabels: MetricLabels {
    public static let names = ["severity"]
    public var severity: String
    public var values: [String] { [severity] }
    public init(severity: String) { self.severity = severity }
}

/// The loaded configuration and its reloads.
public enum ConfigMetrics {
    public static let lastReloadSuccessful = MetricDefinition<NoLabels>.gauge(
        "vigil_config_last_reload_successful",
        help: "1 if the last load or reload of the configuration succeeded, 0 if it was rejected and the previous one kept.",
        example: "vigil_config_last_reload_successful 1")

    public static let lastReloadTimestamp = MetricDefinition<NoLabels>.gauge(
        "vigil_config_last_reload_timestamp_seconds",
        help: "When the configuration in use was loaded, in seconds since the Unix epoch.",
        unit: .seconds,
        example: "vigil_config_last_reload_timestamp_seconds 1.7644e+09")

    public static let reloadsTotal = MetricDefinition<NoLabels>.counter(
        "vigil_config_reloads_total",
        help: "Reloads attempted since start (SIGHUP or vigilctl reload), whatever their outcome.",
        example: "vigil_config_reloads_total 3")

    public static let reloadFailuresTotal = MetricDefinition<NoLabels>.counter(
        "vigil_config_reload_failures_total",
        help: "Reloads rejected because the new configuration had errors; the previous one stayed in use.",
        example: "vigil_config_reload_failures_total 1")

    public static let warnings = MetricDefinition<SeverityLabels>.gauge(
        "vigil_config_warnings",
        help: "Diagnostics of the configuration in use, by severity (error, warning, note).",
        example: #"vigil_config_warnings{severity="warning"} 2"#)

    /// Every family of this domain, for the catalog.
    public static let all: [MetricDescriptor] = [
        lastReloadSuccessful.descriptor, lastReloadTimestamp.descriptor, reloadsTotal.descriptor,
        reloadFailuresTotal.descriptor, warnings.descriptor,
    ]
}
