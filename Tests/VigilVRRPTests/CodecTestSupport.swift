import VigilCore
import VigilVRRP
import VigilTestSupport

/// Test helpers for the codec: hex, an independent checksum, a seeded generator, sample adverts.
enum CodecFixtures {
    /// Bytes from hex text; spaces are ignored. Test input only, so bad hex yields an empty array.
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = hex.filter { !$0.isWhitespace }.map { $0 }
        guard digits.count % 2 == 0 else { return [] }
        var result: [UInt8] = []
        var index = 0
        while index < digits.count {
            guard let byte = UInt8(String(digits[index...index + 1]), radix: 16) else { return [] }
            result.append(byte)
            index += 2
        }
        return result
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    static func address(_ text: String) -> IPAddress {
        IPAddress(text) ?? .v4(IPv4Address(rawValue: 0))
    }

    static func v4(_ text: String) -> IPv4Address {
        IPv4Address(text) ?? IPv4Address(rawValue: 0)
    }

    static func raw(_ address: IPAddress) -> [UInt8] {
        switch address {
        case .v4(let a): a.octets
        case .v6(let a): a.bytes
        }
    }

    /// A straightforward RFC 1071 checksum written apart from the codec: sum 16-bit words in an Int,
    /// fold, complement.
    static func referenceChecksum(_ data: [UInt8]) -> UInt16 {
        var padded = data
        if padded.count % 2 == 1 { padded.append(0) }
        var sum = 0
        for i in stride(from: 0, to: padded.count, by: 2) {
            sum += Int(padded[i]) * 256 + Int(padded[i + 1])
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return UInt16(0xFFFF - sum)
    }

    /// The pseudo-header of RFC 5798 §5.2.8, laid out literally for each family.
    static func pseudoHeader(source: IPAddress, destination: IPAddress, length: Int) -> [UInt8] {
        switch source {
        case .v4:
            raw(source) + raw(destination) + [0, 112, UInt8(length >> 8), UInt8(length & 0xFF)]
        case .v6:
            raw(source) + raw(destination)
                + [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF),
                   UInt8(length & 0xFF), 0, 0, 0, 112]
        }
    }

    /// The checksum field a message should carry: bytes 6-7 zeroed, pseudo-header for v3.
    static func expectedChecksum(_ message: [UInt8], source: IPAddress, destination: IPAddress) -> UInt16 {
        var zeroed = message
        zeroed[6] = 0
        zeroed[7] = 0
        let isV3 = message[0] >> 4 == 3
        let prefix = isV3 ? pseudoHeader(source: source, destination: destination, length: message.count) : []
        return referenceChecksum(prefix + zeroed)
    }

    /// Rewrites the checksum after a deliberate edit, so a test reaches the check it aims at.
    static func refreshChecksum(_ message: [UInt8], source: IPAddress, destination: IPAddress) -> [UInt8] {
        var fixed = message
        let checksum = expectedChecksum(message, source: source, destination: destination)
        fixed[6] = UInt8(checksum >> 8)
        fixed[7] = UInt8(checksum & 0xFF)
        return fixed
    }

    /// Rewrites the IPv4 header checksum of a whole packet after an edit to the header.
    static func refreshIPv4HeaderChecksum(_ packet: [UInt8]) -> [UInt8] {
        var fixed = packet
        let headerLength = Int(packet[0] & 0x0F) * 4
        fixed[10] = 0
        fixed[11] = 0
        let checksum = referenceChecksum(Array(fixed[0..<headerLength]))
        fixed[10] = UInt8(checksum >> 8)
        fixed[11] = UInt8(checksum & 0xFF)
        return fixed
    }

    // The real keepalived 2.2.7 advert from keepalived-reference.md: prio 100, VRID 51,
    // VIP 192.0.2.100, PASS "1111", interval 1 s.
    static let keepalivedFrame = bytes(
        "01005e000012 e2ff58bed2b0 0800 45c0002800010000ff701887c000020be0000012 2133640101015503c0000264 3131313100000000"
    )
    static var keepalivedIPv4Packet: [UInt8] { Array(keepalivedFrame.dropFirst(14)) }
    static var keepalivedVRRP: [UInt8] { Array(keepalivedFrame.dropFirst(14 + 20)) }

    static let v4Source = address("192.0.2.11")
    static let v4Group = address("224.0.0.18")
    static let v6Source = address("fe80::1")
    static let v6Group = address("ff02::12")

    static let keepalivedAdvert = VRRPAdvertisement(
        version: .v2, virtualRouterId: 51, priority: 100, maxAdvertInterval: 1,
        addresses: [address("192.0.2.100")], authentication: .password("1111"))
}

/// Random codec inputs drawn from the shared seeded generator.
extension SplitMix64 {
    mutating func byte() -> UInt8 { UInt8.random(in: 0...255, using: &self) }

    mutating func bytes(_ count: Int) -> [UInt8] { (0..<count).map { _ in byte() } }

    /// An address from the documentation ranges (or link-local), never one outside them.
    mutating func address(_ family: AddressFamily) -> IPAddress {
        switch family {
        case .ipv4:
            let bases: [UInt32] = [0xC000_0200, 0xC633_6400, 0xCB00_7100]  // 192.0.2/24, 198.51.100/24, 203.0.113/24
            let base = bases[Int.random(in: 0..<bases.count, using: &self)]
            return .v4(IPv4Address(rawValue: base | UInt32(byte())))
        case .ipv6:
            let high: UInt64 = Bool.random(using: &self) ? 0x2001_0db8_0000_0000 | (next() & 0xFFFF_FFFF) : 0xfe80_0000_0000_0000
            return .v6(IPv6Address(high: high, low: next()))
        }
    }

    /// A value from the edges of `range` half the time, anywhere in it otherwise.
    mutating func edgy(_ range: ClosedRange<UInt16>) -> UInt16 {
        let edges = [range.lowerBound, range.lowerBound + 1, range.upperBound - 1, range.upperBound]
        return Bool.random(using: &self)
            ? edges[Int.random(in: 0..<edges.count, using: &self)] : UInt16.random(in: range, using: &self)
    }

    /// An advert that encodes losslessly: v2 only over IPv4, 8-byte passwords, intervals in range.
    mutating func advertisement() -> (VRRPAdvertisement, source: IPAddress, destination: IPAddress) {
        let family: AddressFamily = Bool.random(using: &self) ? .ipv4 : .ipv6
        let version: VRRPProtocolVersion = family == .ipv6 || Bool.random(using: &self) ? .v3 : .v2
        let count = Int.random(in: 0...20, using: &self)
        let authentication: VRRPAdvertisement.Authentication
        if version == .v3 {
            authentication = .none
        } else {
            switch Int.random(in: 0..<3, using: &self) {
            case 0: authentication = .none
            case 1: authentication = .simplePassword(bytes(8))
            default: authentication = .unsupported(type: UInt8.random(in: 2...255, using: &self))
            }
        }
        let advert = VRRPAdvertisement(
            version: version, virtualRouterId: byte(), priority: byte(),
            maxAdvertInterval: edgy(version == .v2 ? 0...255 : 0...4095),
            addresses: (0..<count).map { _ in address(family) }, authentication: authentication, family: family)
        let source = address(family)
        let destination: IPAddress = family == .ipv4 ? CodecFixtures.v4Group : CodecFixtures.v6Group
        return (advert, source, destination)
    }
}
