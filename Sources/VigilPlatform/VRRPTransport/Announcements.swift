import VigilCore

/// The bytes of address announcements, apart from any socket so they can be checked exactly.
public enum Announcements {
    /// ff02::1, all nodes on the link.
    static let allNodes: [UInt8] = [0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]

    /// An Ethernet frame with a gratuitous ARP request: broadcast, sender = target = `address`.
    public static func gratuitousARP(for address: IPv4Address, from mac: [UInt8]) -> [UInt8] {
        let broadcast: [UInt8] = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        var frame = broadcast + mac + [0x08, 0x06]
        frame += [0x00, 0x01, 0x08, 0x00, 6, 4, 0x00, 0x01]  // Ethernet, IPv4, request
        frame += mac + address.octets
        frame += broadcast + address.octets
        return frame
    }

    /// An ICMPv6 neighbour advertisement (type 136) for `address`: Override set, Solicited and
    /// Router clear, with our MAC as the target link-layer address option. Checksum left zero:
    /// the kernel computes it for ICMPv6 raw sockets.
    public static func unsolicitedNeighborAdvertisement(for address: IPv6Address, from mac: [UInt8]) -> [UInt8] {
        var message: [UInt8] = [136, 0, 0, 0, 0x20, 0, 0, 0]
        message += address.bytes
        message += [2, 1] + mac
        return message
    }
}
