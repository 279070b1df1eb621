import VigilCore

extension VRRPAdvertisement {
    /// The VRRP message (no IP header) with its checksum: VRRPv2 over the message only, VRRPv3 with the
    /// pseudo-header of `source` and `destination` (RFC 5798 §5.2.8), which should be of `family`.
    public func encode(source: IPAddress, destination: IPAddress) -> [UInt8] {
        let encoded = addresses.filter { $0.family == family }.prefix(Int(UInt8.max))
        var message: [UInt8] = [
            version.rawValue << 4 | VRRPWire.advertisementType, virtualRouterId, priority, UInt8(encoded.count),
        ]
        switch version {
        case .v2:
            message += [authentication.authType, UInt8(min(maxAdvertInterval, UInt16(UInt8.max)))]
        case .v3:
            // The 4 reserved bits stay zero (RFC 5798 §5.2.7).
            message += BigEndian.bytes(min(maxAdvertInterval, 0x0FFF))
        }
        message += [0, 0]
        for address in encoded { message += address.wireBytes }
        if version == .v2 { message += authentication.authenticationData }

        var sum: UInt64 = 0
        if version == .v3 {
            InternetChecksum.addPseudoHeader(
                source: source, destination: destination, family: family, length: message.count, to: &sum)
        }
        InternetChecksum.add(message, to: &sum)
        let checksum = BigEndian.bytes(InternetChecksum.checksum(sum))
        message[6] = checksum[0]
        message[7] = checksum[1]
        return message
    }

    /// A whole IPv4 packet as keepalived sends it (TOS 0xc0, TTL 255, DF clear), for raw senders and tests.
    public func encodeIPv4Packet(source: IPv4Address, destination: IPv4Address, identification: UInt16) -> [UInt8] {
        let payload = encode(source: .v4(source), destination: .v4(destination))
        let header = IPv4Header(
            totalLength: UInt16(truncatingIfNeeded: IPv4Header.minimumLength + payload.count),
            identification: identification, source: source, destination: destination)
        return header.encode() + payload
    }
}
