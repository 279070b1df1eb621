import VigilCore

/// What traffic a virtual server takes: an address and port, a firewall mark, or a virtual server group.
public enum VirtualServerTarget: Sendable, Hashable, CustomStringConvertible {
    /// `virtual_server IP [PORT]`; port 0 when none was written (a persistent service on every port).
    case address(Located<IPAddress>, port: Located<Int>)
    /// `virtual_server fwmark N`.
    case fwmark(Located<Int>)
    /// `virtual_server group NAME`.
    case group(Located<String>)

    public var description: String {
        switch self {
        case .address(let address, let port):
            return address.value.withPort(port.value)
        case .fwmark(let mark): return "fwmark \(mark.value)"
        case .group(let name): return "group \(name.value)"
        }
    }

    /// The address family of an address target; nil for fwmark and group targets.
    public var addressFamily: AddressFamily? {
        if case .address(let address, _) = self { return address.value.family }
        return nil
    }

    /// The port of an address target; nil for fwmark and group targets.
    public var port: Int? {
        if case .address(_, let port) = self { return port.value }
        return nil
    }

    private enum CodingKeys: String, CodingKey {
        case address, port, fwmark, group
    }

    /// Writes `address`/`port`, `fwmark` or `group` into the enclosing virtual server's object.
    func encode(into encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .address(let address, let port):
            try container.encode(address, forKey: .address)
            try container.encode(port, forKey: .port)
        case .fwmark(let mark):
            try container.encode(mark, forKey: .fwmark)
        case .group(let name):
            try container.encode(name, forKey: .group)
        }
    }
}

/// The server that takes the traffic when a virtual server loses its quorum.
public struct SorryServer: Sendable, Hashable, Encodable {
    public let address: Located<IPAddress>
    /// The virtual server's port (or 0 for fwmark/group services) when none was written.
    public let port: Located<Int>
    /// `sorry_server_inhibit`: set its weight to 0 instead of removing it.
    public let inhibit: Located<Bool>
    /// `sorry_server_lvs_method`; the virtual server's method by default.
    public let lvsMethod: Located<LVSMethod>
    public let tunnel: Located<LVSTunnel>?
    public let location: SourceLocation

    public init(
        address: Located<IPAddress>, port: Located<Int>, inhibit: Located<Bool>, lvsMethod: Located<LVSMethod>,
        tunnel: Located<LVSTunnel>?, location: SourceLocation
    ) {
        self.address = address
        self.port = port
        self.inhibit = inhibit
        self.lvsMethod = lvsMethod
        self.tunnel = tunnel
        self.location = location
    }

    private enum CodingKeys: String, CodingKey {
        case address, port, inhibit, lvsMethod, tunnel
    }
}
