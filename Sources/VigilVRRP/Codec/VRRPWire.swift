import VigilCore

/// Constants of the VRRP wire format shared by the codec and the raw-socket transport.
public enum VRRPWire {
    /// The IP protocol number (IPv4 protocol, IPv6 next header) of VRRP.
    public static let protocolNumber: UInt8 = 112
    /// Adverts are sent with, and only accepted at, this TTL or hop limit, so they cannot have crossed a router.
    public static let hopLimit: UInt8 = 255
    /// TOS / traffic class keepalived sends adverts with (DSCP CS6, network control).
    public static let trafficClass: UInt8 = 0xc0
    /// The only VRRP message type.
    public static let advertisementType: UInt8 = 1
    /// Version, type, VRID, priority, count, two interval/auth bytes and the checksum.
    public static let fixedHeaderLength = 8
    /// VRRPv2 carries 8 bytes of authentication data after the addresses, whatever the auth type.
    public static let v2AuthenticationDataLength = 8
    /// The IPv4 multicast group of VRRP, 224.0.0.18.
    public static let ipv4Group = IPv4Address(224, 0, 0, 18)
    /// The IPv6 multicast group of VRRP, ff02::12.
    public static let ipv6Group = IPv6Address(high: 0xff02_0000_0000_0000, low: 0x12)

    /// Bytes one address takes in the address list.
    static func addressLength(_ family: AddressFamily) -> Int {
        family == .ipv4 ? 4 : 16
    }
}
