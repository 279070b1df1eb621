import VigilCore

/// What a raw VRRP socket hands over, decoded: the one entry point for received bytes, so the
/// runtime never needs to know how the two families differ on the wire.
public enum VRRPDatagram {
    /// IPv4 sockets return the whole packet (the IP header first); IPv6 sockets return the VRRP
    /// message, with the destination and hop limit from ancillary data (a missing destination is
    /// taken as the source, a missing hop limit as 0, which fails the hop-limit check).
    public static func decode(
        _ bytes: [UInt8], family: AddressFamily, source: IPAddress, destination: IPAddress?, hopLimit: Int?
    ) -> Result<ReceivedAdvertisement, VRRPDropReason> {
        switch family {
        case .ipv4:
            VRRPPacketDecoder.decode(ipv4Packet: bytes)
        case .ipv6:
            VRRPPacketDecoder.decode(
                vrrpPayload: bytes, source: source, destination: destination ?? source, hopLimit: UInt8(clamping: hopLimit ?? 0))
        }
    }

    /// The VRID byte a packet claims, read without trusting anything else in it: only the label of
    /// the drop counter uses it, for packets that failed decoding.
    public static func claimedVirtualRouterId(_ bytes: [UInt8], family: AddressFamily) -> UInt8? {
        var offset = 0
        if family == .ipv4 {
            guard let first = bytes.first else { return nil }
            offset = Int(first & 0x0F) * 4
        }
        guard bytes.count > offset + 1 else { return nil }
        return bytes[offset + 1]
    }
}

extension VRRPAdvertisement {
    /// The advertised interval as a duration: whole seconds in VRRPv2, centiseconds in VRRPv3.
    public var advertisementInterval: Duration {
        version == .v2 ? .seconds(Int64(maxAdvertInterval)) : .milliseconds(Int64(maxAdvertInterval) * 10)
    }

    /// The interval field for `interval`: whole seconds (v2), centiseconds (v3), clamped to the field.
    public static func intervalField(_ interval: Duration, version: VRRPProtocolVersion) -> UInt16 {
        let (seconds, attoseconds) = interval.components
        let centiseconds = seconds * 100 + attoseconds / 10_000_000_000_000_000
        return version == .v2 ? UInt16(clamping: seconds) : UInt16(clamping: centiseconds)
    }
}
