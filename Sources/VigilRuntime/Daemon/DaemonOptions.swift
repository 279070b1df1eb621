import VigilConfig
import VigilHTTP
import VigilTelemetry

/// What the command line decided; the executable fills it, the daemon follows it.
public struct DaemonOptions: Sendable {
    public var configPath: String
    /// Replaces the config's `vigil_http_listen` addresses when not empty.
    public var listenOverride: [ListenAddress]
    /// Replaces the config's `vigil_control_socket` when set; an empty string disables the socket.
    public var controlSocketOverride: String?
    /// False with `--check` (keepalived's -C): no VRRP, so no interface or address is touched.
    public var runsVRRP: Bool
    /// False with `--vrrp` (keepalived's -P): no health checks and no IPVS.
    public var runsChecks: Bool
    /// Debug builds only: a fault to inject on purpose (`vigild --test-stall`); nil in release builds.
    public var faults: (any FaultInjection)?
    /// Reads each reload's file in a child process before the daemon does (`vigild --preflight`).
    public var reloadPreflight: (any ReloadPreflight)?

    public init(
        configPath: String, listenOverride: [ListenAddress] = [], controlSocketOverride: String? = nil, runsVRRP: Bool = true,
        runsChecks: Bool = true
    ) {
        self.runsChecks = runsChecks
        self.configPath = configPath
        self.listenOverride = listenOverride
        self.controlSocketOverride = controlSocketOverride
        self.runsVRRP = runsVRRP
    }

    /// The listeners to open: metrics on TCP, control on the unix socket.
    public func listeners(for configuration: Configuration) -> [(address: ListenAddress, role: ListenerRole)] {
        let vigil = configuration.global.globalDefs.vigil
        let metrics = listenOverride.isEmpty
            ? vigil.vigilHttpListen.map { ListenAddress.tcp(host: "\($0.address)", port: $0.port) }
            : listenOverride
        var listeners = metrics.map { (address: $0, role: ListenerRole.metrics) }
        let socket = controlSocketOverride ?? vigil.vigilControlSocket.value
        if !socket.isEmpty { listeners.append((address: .unixSocket(path: socket), role: .control)) }
        return listeners
    }
}

/// A deliberate stall of one engine (`vigild --test-stall ENGINE@SECONDS`, debug builds only).
public struct InjectedStall: Sendable, Equatable {
    /// The engines that can be stalled: their names in `vigil_engine_healthy`.
    public static let engines = [EngineName.vrrp, .checks].map(\.rawValue)
    public let engine: String
    public let after: Duration

    /// Parses `ENGINE` or `ENGINE@SECONDS`; nil when the engine is unknown or the delay is not a number.
    public init?(_ text: String) {
        let parts = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let engine = parts.first, Self.engines.contains(engine) else { return nil }
        var after = Duration.zero
        if parts.count == 2 {
            guard let seconds = Double(parts[1]), seconds >= 0, seconds < 86_400 else { return nil }
            after = .milliseconds(Int64(seconds * 1000))
        }
        self.engine = engine
        self.after = after
    }
}
