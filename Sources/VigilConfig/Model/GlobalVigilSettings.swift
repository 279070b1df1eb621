import VigilCore

/// An address and port Vigil's HTTP API listens on (`vigil_http_listen`).
public struct HTTPListenSpec: Sendable, Encodable, Hashable {
    public let address: IPAddress
    public let port: Int
    public let location: SourceLocation?

    /// Written the way the flag takes it: `127.0.0.1:7390`, `[::1]:7390`.
    public var text: String { address.withPort(port) }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// Vigil's own global_defs keywords, for what keepalived has no keyword for.
public struct GlobalVigilSettings: Sendable, Encodable {
    /// The default metrics listener: loopback, outside the fully allocated 9100-9999 exporter range.
    public static let defaultHTTPListen = HTTPListenSpec(address: .v4(IPv4Address(127, 0, 0, 1)), port: 7390, location: nil)
    public static let defaultControlSocket = "/run/vigil/vigild.sock"

    /// `vigil_http_listen ADDRESS:PORT` (repeatable): where /metrics, /healthz and /status are served.
    public let vigilHttpListen: [HTTPListenSpec]
    /// `vigil_control_socket PATH`: the owner-only unix socket that also accepts reloads.
    public let vigilControlSocket: Located<String>
}
