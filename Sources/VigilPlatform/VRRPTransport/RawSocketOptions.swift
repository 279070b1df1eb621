#if canImport(Glibc)
import Glibc
#endif
import CLinuxExtras
import VigilCore

/// The socket options VRRP needs (RFC 5798 §5.1.1, §5.1.2, §7.1) and keepalived uses on the wire.
enum RawSocketOptions {
    static func configure(_ fd: Int32, family: AddressFamily, interface: String, index: Int32, source: IPAddress?) throws {
        // Only this interface's packets: the same VRID may be in use on another segment.
        try interface.withCString { name in
            try set(fd, SOL_SOCKET, SO_BINDTODEVICE, UnsafeRawPointer(name), socklen_t(strlen(name) + 1), "SO_BINDTODEVICE \(interface)")
        }
        switch family {
        case .ipv4:
            try setInt(fd, Int32(IPPROTO_IP), IP_MULTICAST_TTL, 255, "IP_MULTICAST_TTL")
            try setInt(fd, Int32(IPPROTO_IP), IP_TTL, 255, "IP_TTL")
            try setInt(fd, Int32(IPPROTO_IP), IP_TOS, 0xc0, "IP_TOS")
            try setInt(fd, Int32(IPPROTO_IP), IP_MULTICAST_LOOP, 0, "IP_MULTICAST_LOOP")
            try setInt(fd, Int32(IPPROTO_IP), IP_PKTINFO, 1, "IP_PKTINFO")
            // DF clear, as keepalived sends them: an advert is tiny and must never be dropped for PMTU.
            try setInt(fd, Int32(IPPROTO_IP), IP_MTU_DISCOVER, Int32(IP_PMTUDISC_DONT), "IP_MTU_DISCOVER")
            var request = ip_mreqn()
            request.imr_multiaddr.s_addr = IPv4Address(224, 0, 0, 18).rawValue.bigEndian
            request.imr_ifindex = index
            try set(fd, Int32(IPPROTO_IP), IP_MULTICAST_IF, &request, socklen_t(MemoryLayout<ip_mreqn>.size), "IP_MULTICAST_IF")
            try set(fd, Int32(IPPROTO_IP), IP_ADD_MEMBERSHIP, &request, socklen_t(MemoryLayout<ip_mreqn>.size), "IP_ADD_MEMBERSHIP 224.0.0.18")
            if case .v4(let address) = source {
                var local = sockaddr_in()
                local.sin_family = sa_family_t(AF_INET)
                local.sin_addr.s_addr = address.rawValue.bigEndian
                try bind(fd, &local, socklen_t(MemoryLayout<sockaddr_in>.size), "bind \(address)")
            }
        case .ipv6:
            try setInt(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_HOPS, 255, "IPV6_MULTICAST_HOPS")
            try setInt(fd, Int32(IPPROTO_IPV6), IPV6_UNICAST_HOPS, 255, "IPV6_UNICAST_HOPS")
            try setInt(fd, Int32(IPPROTO_IPV6), IPV6_TCLASS, 0xc0, "IPV6_TCLASS")
            try setInt(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_LOOP, 0, "IPV6_MULTICAST_LOOP")
            try setInt(fd, Int32(IPPROTO_IPV6), IPV6_MULTICAST_IF, index, "IPV6_MULTICAST_IF")
            try setInt(fd, Int32(IPPROTO_IPV6), IPV6_RECVHOPLIMIT, 1, "IPV6_RECVHOPLIMIT")
            try setInt(fd, Int32(IPPROTO_IPV6), IPV6_RECVPKTINFO, 1, "IPV6_RECVPKTINFO")
            var request = ipv6_mreq()
            withUnsafeMutableBytes(of: &request.ipv6mr_multiaddr) { bytes in
                bytes.copyBytes(from: [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12] as [UInt8])
            }
            request.ipv6mr_interface = UInt32(bitPattern: index)
            try set(fd, Int32(IPPROTO_IPV6), IPV6_ADD_MEMBERSHIP, &request, socklen_t(MemoryLayout<ipv6_mreq>.size), "IPV6_ADD_MEMBERSHIP ff02::12")
            if case .v6(let address) = source {
                var local = sockaddr_in6()
                local.sin6_family = sa_family_t(AF_INET6)
                withUnsafeMutableBytes(of: &local.sin6_addr) { $0.copyBytes(from: address.bytes) }
                local.sin6_scope_id = UInt32(bitPattern: index)
                try bind(fd, &local, socklen_t(MemoryLayout<sockaddr_in6>.size), "bind \(address)")
            }
        }
    }

    private static func setInt(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32, _ what: String) throws {
        var value = value
        try set(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size), what)
    }

    private static func set(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: UnsafeRawPointer, _ length: socklen_t, _ what: String) throws {
        guard setsockopt(fd, level, name, value, length) == 0 else { throw VRRPSocketError.errno(what) }
    }

    private static func bind<Address>(_ fd: Int32, _ address: inout Address, _ length: socklen_t, _ what: String) throws {
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) }
        }
        guard status == 0 else { throw VRRPSocketError.errno(what) }
    }
}
