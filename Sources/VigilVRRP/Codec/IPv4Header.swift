import VigilCore

/// An IPv4 header (RFC 791): what a raw IPv4 socket hands over in front of the VRRP message.
public struct IPv4Header: Hashable, Sendable {
    /// 20 bytes: a header without options.
    public static let minimumLength = 20

    public var typeOfService: UInt8
    /// Header plus payload, in bytes.
    public var totalLength: UInt16
    public var identification: UInt16
    /// The flags (top 3 bits) and the fragment offset (13 bits).
    public var flagsAndFragmentOffset: UInt16
    public var timeToLive: UInt8
    public var protocolNumber: UInt8
    public var source: IPv4Address
    public var destination: IPv4Address
    /// Options as received; encoding pads them to a multiple of 4 and cuts them at 40 bytes.
    public var options: [UInt8]

    /// Defaults are those of a VRRP advert: TOS 0xc0, DF clear, TTL 255, protocol 112.
    public init(
        typeOfService: UInt8 = VRRPWire.trafficClass, totalLength: UInt16, identification: UInt16,
        flagsAndFragmentOffset: UInt16 = 0, timeToLive: UInt8 = VRRPWire.hopLimit,
        protocolNumber: UInt8 = VRRPWire.protocolNumber, source: IPv4Address, destination: IPv4Address,
        options: [UInt8] = []
    ) {
        self.typeOfService = typeOfService
        self.totalLength = totalLength
        self.identification = identification
        self.flagsAndFragmentOffset = flagsAndFragmentOffset
        self.timeToLive = timeToLive
        self.protocolNumber = protocolNumber
        self.source = source
        self.destination = destination
        self.options = options
    }

    /// The header length in bytes, as the IHL field will say.
    public var headerLength: Int {
        let optionBytes = min((options.count + 3) / 4 * 4, 40)
        return Self.minimumLength + optionBytes
    }

    /// True when this is a fragment (MF set or a non-zero offset); a fragment cannot hold a whole advert.
    public var isFragment: Bool { flagsAndFragmentOffset & 0x3FFF != 0 }

    /// The header bytes with the header checksum filled in.
    public func encode() -> [UInt8] {
        let optionBytes = headerLength - Self.minimumLength
        var header: [UInt8] = [0x40 | UInt8(headerLength / 4), typeOfService]
        header += BigEndian.bytes(totalLength)
        header += BigEndian.bytes(identification)
        header += BigEndian.bytes(flagsAndFragmentOffset)
        header += [timeToLive, protocolNumber, 0, 0]
        header += source.octets
        header += destination.octets
        let kept = Array(options.prefix(optionBytes))
        header += kept + [UInt8](repeating: 0, count: optionBytes - kept.count)
        var sum: UInt64 = 0
        InternetChecksum.add(header, to: &sum)
        let checksum = BigEndian.bytes(InternetChecksum.checksum(sum))
        header[10] = checksum[0]
        header[11] = checksum[1]
        return header
    }

    /// Reads the header at the start of `packet`. `.truncated` when the bytes end before the header or
    /// before the total length; `.ipHeader` for a wrong version, IHL, total length or header checksum.
    public static func decode(_ packet: [UInt8]) -> Result<IPv4Header, VRRPDropReason> {
        guard packet.count >= minimumLength else { return .failure(.truncated) }
        guard packet[0] >> 4 == 4 else { return .failure(.ipHeader) }
        let headerLength = Int(packet[0] & 0x0F) * 4
        guard headerLength >= minimumLength else { return .failure(.ipHeader) }
        guard packet.count >= headerLength else { return .failure(.truncated) }
        let headerBytes = Array(packet[0..<headerLength])
        var sum: UInt64 = 0
        InternetChecksum.add(headerBytes, to: &sum)
        guard InternetChecksum.verifies(sum) else { return .failure(.ipHeader) }
        let totalLength = BigEndian.uint16(packet, at: 2)
        guard Int(totalLength) >= headerLength else { return .failure(.ipHeader) }
        guard Int(totalLength) <= packet.count else { return .failure(.truncated) }
        return .success(
            IPv4Header(
                typeOfService: packet[1], totalLength: totalLength, identification: BigEndian.uint16(packet, at: 4),
                flagsAndFragmentOffset: BigEndian.uint16(packet, at: 6), timeToLive: packet[8],
                protocolNumber: packet[9], source: IPv4Address(rawValue: BigEndian.uint32(packet, at: 12)),
                destination: IPv4Address(rawValue: BigEndian.uint32(packet, at: 16)),
                options: Array(packet[minimumLength..<headerLength])))
    }
}
