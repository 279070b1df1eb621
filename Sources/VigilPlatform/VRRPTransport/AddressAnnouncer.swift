#if canImport(Glibc)
import Glibc
#endif
import CLinuxExtras
import VigilCore

/// Tells the segment that a virtual address moved here: gratuitous ARP requests for IPv4 and
/// unsolicited neighbour advertisements for IPv6 (RFC 5798 §6.4.1, keepalived's garp_* settings).
public final class AddressAnnouncer: Sendable {
    public let interface: String
    public let interfaceIndex: Int32
    /// This interface's MAC, the sender hardware address of every announcement.
    public let hardwareAddress: [UInt8]
    private let packetSocket: Int32
    private let icmpSocket: Int32

    public init(interface: String, namespace: String? = nil) throws {
        self.interface = interface
        let opened = try NetworkNamespace.perform(in: namespace) { () throws -> (Int32, Int32, Int32, [UInt8]) in
            let index = Int32(bitPattern: if_nametoindex(interface))
            guard index > 0 else { throw VRRPSocketError(description: "interface \(interface) does not exist") }
            let packet = vigil_arp_packet_socket()
            guard packet >= 0 else { throw VRRPSocketError.errno("socket(AF_PACKET)") }
            let icmp = socket(AF_INET6, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Int32(IPPROTO_ICMPV6))
            guard icmp >= 0 else {
                Glibc.close(packet)
                throw VRRPSocketError.errno("socket(ICMPv6)")
            }
            var mac = [UInt8](repeating: 0, count: 6)
            var hops: Int32 = 255
            var ifindex = index
            let ok = vigil_interface_mac(packet, interface, &mac) == 0
                && setsockopt(icmp, Int32(IPPROTO_IPV6), IPV6_MULTICAST_HOPS, &hops, socklen_t(MemoryLayout<Int32>.size)) == 0
                && setsockopt(icmp, Int32(IPPROTO_IPV6), IPV6_UNICAST_HOPS, &hops, socklen_t(MemoryLayout<Int32>.size)) == 0
                && setsockopt(icmp, Int32(IPPROTO_IPV6), IPV6_MULTICAST_IF, &ifindex, socklen_t(MemoryLayout<Int32>.size)) == 0
            guard ok else {
                let error = VRRPSocketError.errno("setting up announcements on \(interface)")
                Glibc.close(packet)
                Glibc.close(icmp)
                throw error
            }
            return (index, packet, icmp, mac)
        }
        (interfaceIndex, packetSocket, icmpSocket, hardwareAddress) = opened
    }

    deinit {
        Glibc.close(packetSocket)
        Glibc.close(icmpSocket)
    }

    /// One gratuitous ARP request for `address`: broadcast, sender and target both the address.
    public func announce(_ address: IPv4Address) throws {
        let frame = Announcements.gratuitousARP(for: address, from: hardwareAddress)
        let sent = frame.withUnsafeBufferPointer { vigil_send_arp_frame(packetSocket, interfaceIndex, $0.baseAddress, $0.count) }
        guard sent == frame.count else { throw VRRPSocketError.errno("gratuitous ARP for \(address) on \(interface)") }
    }

    /// One unsolicited neighbour advertisement for `address` to all nodes (ff02::1), sent from the
    /// address itself; the kernel fills the ICMPv6 checksum.
    public func announce(_ address: IPv6Address) throws {
        let message = Announcements.unsolicitedNeighborAdvertisement(for: address, from: hardwareAddress)
        let sent = message.withUnsafeBufferPointer { bytes in
            vigil_send_ipv6_from(icmpSocket, bytes.baseAddress, bytes.count, Announcements.allNodes, address.bytes, interfaceIndex)
        }
        guard sent == message.count else { throw VRRPSocketError.errno("unsolicited NA for \(address) on \(interface)") }
    }
}
