/// Labels of `vigil_build_info`.
public struct BuildInfoLabels: MetricLabels {
    public static let names = ["version", "revision", "swift_version"]
    public var version: String
    public var revision: String
    public var swiftVersion: String
    public var values: [String] { [version, revision, swiftVersion] }
    public init(version: String, revision: String, swiftVersion: String) {
        self.version = version
        self.revision = revision
        self.swiftVersion = swiftVersion
    }
}

/// Labels naming one of the daemon's engines (its main loops).
public struct EngineLabels: MetricLabels {
    public static let names = ["engine"]
    public var engine: String
    public var values: [String] { [engine] }
    public init(engine: String) { self.engine = engine }
}

/// The daemon itself: what is running and whether its engines make progress.
public enum DaemonMetrics {
    public static let buildInfo = MetricDefinition<BuildInfoLabels>.gauge(
        "vigil_build_info",
        help: "Always 1; the labels say which vigild build is running.",
        example: #"vigil_build_info{version="0.1.0",revision="cb439b3",swift_version="6.3.1"} 1"#)

    public static let startTime = MetricDefinition<NoLabels>.gauge(
        "vigil_start_time_seconds",
        help: "When vigild started, in seconds since the Unix epoch.",
        unit: .seconds,
        example: "vigil_start_time_seconds 1.7644e+09")

    public static let engineLastProgress = MetricDefinition<EngineLabels>.gauge(
        "vigil_engine_last_progress_timestamp_seconds",
        help: "When the engine last proved progress from its own loop, in seconds since the Unix epoch.",
        unit: .seconds,
        example: #"vigil_engine_last_progress_timestamp_seconds{engine="runtime"} 1.7644e+09"#)

    public static let engineHealthy = MetricDefinition<EngineLabels>.gauge(
        "vigil_engine_healthy",
        help: "1 while the engine makes progress within its deadline, 0 when it is stalled or not started.",
        example: #"vigil_engine_healthy{engine="runtime"} 1"#)

    /// Every family of this domain, for the catalog.
    public static let all: [MetricDescriptor] = [
        buildInfo.descriptor, startTime.descriptor, engineLastProgress.descriptor, engineHealthy.descriptor,
    ]
}
