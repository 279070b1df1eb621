import VigilConfig
import VigilCore

/// Where a checker sits in the configuration: virtual server i, real server j, checker k. Stable
/// for one configuration; ordered lexicographically, which breaks the agenda's ties.
public struct CheckerIndex: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let virtualServer: Int
    public let realServer: Int
    public let checker: Int

    public init(virtualServer: Int, realServer: Int, checker: Int) {
        self.virtualServer = virtualServer
        self.realServer = realServer
        self.checker = checker
    }

    public var description: String { "\(virtualServer).\(realServer).\(checker)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.virtualServer, lhs.realServer, lhs.checker) < (rhs.virtualServer, rhs.realServer, rhs.checker)
    }
}

/// One checker with the label values metrics and logs use for it.
public struct CheckIdentity: Sendable, Hashable {
    public let index: CheckerIndex
    public let type: CheckerType
    /// "192.0.2.10:80/tcp", "[2001:db8::10]:80/tcp", "fwmark:1/inet", "group:web/tcp".
    public let virtualServer: String
    /// "198.51.100.2:80", "[2001:db8::2]:80".
    public let realServer: String
    /// The checker keyword, with "#n" for the nth checker of the same kind on one real server
    /// ("TCP_CHECK", "HTTP_GET#2").
    public let checker: String

    public init(index: CheckerIndex, type: CheckerType, virtualServer: String, realServer: String, checker: String) {
        self.index = index
        self.type = type
        self.virtualServer = virtualServer
        self.realServer = realServer
        self.checker = checker
    }

    /// Every checker of every virtual server, in configuration order; repeated real servers (which
    /// keepalived drops) are left out.
    public static func all(in virtualServers: [VirtualServer]) -> [CheckIdentity] {
        var identities: [CheckIdentity] = []
        for (i, server) in virtualServers.enumerated() {
            let serverLabel = label(of: server)
            for (j, (realServer, isRepeat)) in zip(server.realServers, server.realServerIsRepeat).enumerated() where !isRepeat {
                let realLabel = label(of: realServer)
                var seen: [CheckerType: Int] = [:]
                for (k, checker) in realServer.checkers.enumerated() {
                    let count = (seen[checker.type] ?? 0) + 1
                    seen[checker.type] = count
                    identities.append(
                        CheckIdentity(
                            index: CheckerIndex(virtualServer: i, realServer: j, checker: k), type: checker.type,
                            virtualServer: serverLabel, realServer: realLabel,
                            checker: count == 1 ? checker.type.rawValue : "\(checker.type.rawValue)#\(count)"))
                }
            }
        }
        return identities
    }

    /// The `virtual_server` label of a virtual server.
    public static func label(of server: VirtualServer) -> String {
        let proto = server.protocol.value.rawValue.lowercased()
        switch server.target {
        case .address(let address, let port): return "\(address.value.withPort(port.value))/\(proto)"
        case .fwmark(let mark): return "fwmark:\(mark.value)/\(LVSAddressFamily(server.addressFamily ?? .ipv4).rawValue)"
        case .group(let name): return "group:\(name.value)/\(proto)"
        }
    }

    /// The `real_server` label of a real server.
    public static func label(of server: RealServer) -> String { server.address.value.withPort(server.port.value) }
}
