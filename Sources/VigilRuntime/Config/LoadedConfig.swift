import VigilConfig
import VigilCore

/// A configuration that was loaded without errors, with when and how long it took.
public struct LoadedConfig: Sendable {
    public let path: String
    public let result: LoadResult
    /// Seconds since the epoch.
    public let loadedAt: Double
    public let loadDuration: Duration

    public var configuration: Configuration { result.configuration }
    public var diagnostics: Diagnostics { result.diagnostics }
}

/// Reads a configuration file; the daemon uses ConfigCheck.load, tests pass their own.
public typealias ConfigLoading = @Sendable (_ path: String) -> LoadResult

/// The outcome of a reload, as the control socket and the log report it.
public struct ReloadOutcome: Sendable, Equatable {
    public let accepted: Bool
    /// Rendered diagnostics (errors first), one per line.
    public let diagnostics: [String]
}
