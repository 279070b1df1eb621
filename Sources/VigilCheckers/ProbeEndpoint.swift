import VigilConfig
import VigilCore

/// Where a checker connects and from where, after the real server's address and port are filled in.
public struct ProbeEndpoint: Sendable, Hashable {
    public let address: IPAddress
    public let port: Int
    public let bindAddress: IPAddress?
    public let bindPort: Int?
    public let bindInterface: String?
    /// SO_MARK for the checker's own packets.
    public let firewallMark: Int?
    public let connectTimeout: Duration

    public init(
        address: IPAddress, port: Int, bindAddress: IPAddress? = nil, bindPort: Int? = nil,
        bindInterface: String? = nil, firewallMark: Int? = nil, connectTimeout: Duration
    ) {
        self.address = address
        self.port = port
        self.bindAddress = bindAddress
        self.bindPort = bindPort
        self.bindInterface = bindInterface
        self.firewallMark = firewallMark
        self.connectTimeout = connectTimeout
    }

    /// connect_ip/connect_port when written, else the real server's address and port.
    public init(connection: CheckerConnection, realServer: RealServer) {
        self.init(
            address: connection.connectIp?.value ?? realServer.address.value,
            port: connection.connectPort?.value ?? realServer.port.value,
            bindAddress: connection.bindto?.value,
            bindPort: connection.bindPort?.value,
            bindInterface: connection.bindIf?.value,
            firewallMark: connection.fwmark?.value,
            connectTimeout: .microseconds(connection.connectTimeout.value.microseconds)
        )
    }
}
