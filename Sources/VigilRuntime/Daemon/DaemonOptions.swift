import VigilConfig
import VigilHTTP

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
