#if canImport(Glibc)
import Glibc
#endif
import VigilCore

/// The addresses an interface has, read with getifaddrs in the daemon's namespace.
public enum InterfaceAddresses {
    /// The first IPv4 address, or the IPv6 link-local one (VRRPv3 over IPv6 speaks from it).
    public static func primary(of interface: String, family: AddressFamily) -> IPAddress? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        var cursor: UnsafeMutablePointer<ifaddrs>? = first
        while let entry = cursor {
            defer { cursor = entry.pointee.ifa_next }
            guard let name = entry.pointee.ifa_name, String(cString: name) == interface, let address = entry.pointee.ifa_addr else { continue }
            if family == .ipv4, Int32(address.pointee.sa_family) == AF_INET {
                let value = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
                return .v4(IPv4Address(rawValue: UInt32(bigEndian: value)))
            }
            if family == .ipv6, Int32(address.pointee.sa_family) == AF_INET6 {
                let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                    withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
                }
                if bytes.count == 16, bytes[0] == 0xfe, bytes[1] & 0xc0 == 0x80, let v6 = IPv6Address(bytes: bytes) { return .v6(v6) }
            }
        }
        return nil
    }
}
