import Glibc
import VigilCore

/// Socket addresses for the datagram probes' bind and connect, built from the address bytes.
enum DatagramSocketAddress {
    /// The unspecified address of the same family, for binding only a source port.
    static func unspecified(like address: IPAddress) -> IPAddress {
        switch address {
        case .v4: .v4(IPv4Address(rawValue: 0))
        case .v6: .v6(IPv6Address(high: 0, low: 0))
        }
    }

    /// Calls `body` with `address`:`port` as a sockaddr (the scope for IPv6 link-local).
    static func with(
        _ address: IPAddress, port: Int, scope: UInt32, _ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Void
    ) throws {
        switch address {
        case .v4(let v4):
            var raw = ipv4Address(v4, port: port)
            try withUnsafePointer(to: &raw) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        case .v6(let v6):
            var raw = ipv6Address(v6, port: port, scope: scope)
            try withUnsafePointer(to: &raw) {
                try $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { try body($0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
    }

    private static func ipv4Address(_ address: IPv4Address, port: Int) -> sockaddr_in {
        var raw = sockaddr_in()
        raw.sin_family = sa_family_t(AF_INET)
        raw.sin_port = UInt16(truncatingIfNeeded: port).bigEndian
        raw.sin_addr.s_addr = address.rawValue.bigEndian
        return raw
    }

    private static func ipv6Address(_ address: IPv6Address, port: Int, scope: UInt32) -> sockaddr_in6 {
        var raw = sockaddr_in6()
        raw.sin6_family = sa_family_t(AF_INET6)
        raw.sin6_port = UInt16(truncatingIfNeeded: port).bigEndian
        raw.sin6_scope_id = scope
        withUnsafeMutableBytes(of: &raw.sin6_addr) { target in
            for (index, byte) in address.bytes.enumerated() where index < target.count { target[index] = byte }
        }
        return raw
    }
}
