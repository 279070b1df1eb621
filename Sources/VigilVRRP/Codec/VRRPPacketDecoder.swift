import VigilCore

/// Wire-level validation of received packets (RFC 3768 §7.1, RFC 5798 §7.1): lengths, IP header,
/// TTL/hop limit, version, type, count against length and checksum. Whether the advert fits an
/// instance is `VRRPAdvertisementValidator`'s job. Any bytes give a result; nothing traps.
public enum VRRPPacketDecoder {
    /// A packet as a raw IPv4 socket returns it: the IPv4 header, then the VRRP message.
    /// Bytes past the header's total length (link-layer padding) are ignored.
    public static func decode(ipv4Packet packet: [UInt8]) -> Result<ReceivedAdvertisement, VRRPDropReason> {
        let header: IPv4Header
        switch IPv4Header.decode(packet) {
        case .success(let decoded): header = decoded
        case .failure(let reason): return .failure(reason)
        }
        guard header.protocolNumber == VRRPWire.protocolNumber, !header.isFragment else {
            return .failure(.ipHeader)
        }
        let payload = Array(packet[header.headerLength..<Int(header.totalLength)])
        return decode(
            payload: payload, source: .v4(header.source), destination: .v4(header.destination),
            hopLimit: header.timeToLive, ipv4Header: header)
    }

    /// A VRRP message without its IP header: what a raw IPv6 socket returns, with the hop limit
    /// (IPV6_RECVHOPLIMIT) and the addresses taken from ancillary data and the peer address.
    /// The source's family decides the address size and the pseudo-header.
    public static func decode(
        vrrpPayload payload: [UInt8], source: IPAddress, destination: IPAddress, hopLimit: UInt8
    ) -> Result<ReceivedAdvertisement, VRRPDropReason> {
        decode(payload: payload, source: source, destination: destination, hopLimit: hopLimit, ipv4Header: nil)
    }

    private static func decode(
        payload: [UInt8], source: IPAddress, destination: IPAddress, hopLimit: UInt8, ipv4Header: IPv4Header?
    ) -> Result<ReceivedAdvertisement, VRRPDropReason> {
        guard hopLimit == VRRPWire.hopLimit else { return .failure(.ttl) }
        guard payload.count >= VRRPWire.fixedHeaderLength else { return .failure(.truncated) }
        guard source.family == destination.family else { return .failure(.ipHeader) }
        let family = source.family
        guard let version = VRRPProtocolVersion(rawValue: payload[0] >> 4), version == .v3 || family == .ipv4
        else { return .failure(.version) }
        guard payload[0] & 0x0F == VRRPWire.advertisementType else { return .failure(.type) }

        let count = Int(payload[3])
        let addressLength = VRRPWire.addressLength(family)
        let authenticationLength = version == .v2 ? VRRPWire.v2AuthenticationDataLength : 0
        let expectedLength = VRRPWire.fixedHeaderLength + count * addressLength + authenticationLength
        // A payload cut inside a field was truncated on the way; one off by whole addresses (or
        // longer than announced) carries a count that does not match its list.
        guard payload.count == expectedLength else {
            let shortfall = expectedLength - payload.count
            return .failure(shortfall > 0 && shortfall % addressLength != 0 ? .truncated : .addressCount)
        }

        var sum: UInt64 = 0
        if version == .v3 {
            InternetChecksum.addPseudoHeader(
                source: source, destination: destination, family: family, length: payload.count, to: &sum)
        }
        InternetChecksum.add(payload, to: &sum)
        guard InternetChecksum.verifies(sum) else { return .failure(.checksum) }

        var addresses: [IPAddress] = []
        addresses.reserveCapacity(count)
        for index in 0..<count {
            let start = VRRPWire.fixedHeaderLength + index * addressLength
            switch family {
            case .ipv4:
                addresses.append(.v4(IPv4Address(rawValue: BigEndian.uint32(payload, at: start))))
            case .ipv6:
                guard let address = IPv6Address(bytes: Array(payload[start..<start + addressLength])) else {
                    return .failure(.addressCount)
                }
                addresses.append(.v6(address))
            }
        }

        let interval: UInt16
        let authentication: VRRPAdvertisement.Authentication
        switch version {
        case .v2:
            interval = UInt16(payload[5])
            let dataStart = expectedLength - authenticationLength
            switch payload[4] {
            case 0: authentication = .none
            case 1: authentication = .simplePassword(Array(payload[dataStart..<expectedLength]))
            case let other: authentication = .unsupported(type: other)
            }
        case .v3:
            // The 4 reserved bits are ignored on receipt (RFC 5798 §5.2.7).
            interval = BigEndian.uint16(payload, at: 4) & 0x0FFF
            authentication = .none
        }
        let advertisement = VRRPAdvertisement(
            version: version, virtualRouterId: payload[1], priority: payload[2], maxAdvertInterval: interval,
            addresses: addresses, authentication: authentication, family: family)
        return .success(
            ReceivedAdvertisement(
                advertisement: advertisement, source: source, destination: destination, hopLimit: hopLimit,
                ipv4Header: ipv4Header))
    }
}
