import Testing
import VigilCore
import VigilVRRP

/// Every wire-level malformation is rejected by the decoder with its own reason.
@Suite struct CodecMalformedTests {
    typealias Decoded = Result<ReceivedAdvertisement, VRRPDropReason>

    static let v4 = CodecFixtures.v4Source
    static let group4 = CodecFixtures.v4Group

    static func decodeV4Payload(_ bytes: [UInt8], hopLimit: UInt8 = 255) -> Decoded {
        VRRPPacketDecoder.decode(vrrpPayload: bytes, source: v4, destination: group4, hopLimit: hopLimit)
    }

    /// Decodes a whole IPv4 packet after fixing its header checksum, so the edit itself is what is judged.
    static func decodeWithFixedHeader(_ packet: [UInt8]) -> Decoded {
        VRRPPacketDecoder.decode(ipv4Packet: CodecFixtures.refreshIPv4HeaderChecksum(packet))
    }

    static func refreshed(_ bytes: [UInt8]) -> [UInt8] {
        CodecFixtures.refreshChecksum(bytes, source: v4, destination: group4)
    }

    /// A message of each kind: v2 IPv4 (keepalived's), v3 IPv4 and v3 IPv6, with their addresses.
    static let samples: [(bytes: [UInt8], source: IPAddress, destination: IPAddress)] = [
        (CodecFixtures.keepalivedVRRP, v4, group4),
        (CodecFixtures.bytes("3107fe030ffff4b2c0000264c6336407cb0071ff"), v4, group4),
        (
            CodecFixtures.bytes("31c801020001c7c420010db800000000000000000000000120010db8ffff0000000000000000abcd"),
            CodecFixtures.v6Source, CodecFixtures.v6Group
        ),
    ]

    @Test func everyTruncationOfTheIPv4PacketIsTruncated() {
        let packet = CodecFixtures.keepalivedIPv4Packet
        for length in 0..<packet.count {
            #expect(VRRPPacketDecoder.decode(ipv4Packet: Array(packet.prefix(length))) == .failure(.truncated))
        }
        #expect((try? VRRPPacketDecoder.decode(ipv4Packet: packet).get()) != nil)
    }

    @Test func everyTruncationOfAPayload() {
        for sample in Self.samples {
            for length in 0...sample.bytes.count {
                let result = VRRPPacketDecoder.decode(
                    vrrpPayload: Array(sample.bytes.prefix(length)), source: sample.source,
                    destination: sample.destination, hopLimit: 255)
                switch length {
                case 0..<8: #expect(result == .failure(.truncated), "length \(length)")
                case sample.bytes.count: #expect((try? result.get()) != nil)
                // Cut inside a field: truncated; short by whole addresses: the count is what is wrong.
                default:
                    let addressLength = sample.source.family == .ipv4 ? 4 : 16
                    let expected: VRRPDropReason = (sample.bytes.count - length) % addressLength == 0 ? .addressCount : .truncated
                    #expect(result == .failure(expected), "length \(length)")
                }
            }
        }
    }

    @Test(arguments: [0, 1, 4, 5, 15] as [UInt8]) func unsupportedVersion(_ version: UInt8) {
        var bytes = CodecFixtures.keepalivedVRRP
        bytes[0] = version << 4 | 1
        #expect(Self.decodeV4Payload(Self.refreshed(bytes)) == .failure(.version))
    }

    @Test func v2OverIPv6IsAVersionError() {
        // A well-formed v2 layout with an IPv6 address; VRRPv2 does not exist for IPv6.
        var bytes: [UInt8] = [0x21, 1, 100, 1, 0, 1, 0, 0] + CodecFixtures.raw(CodecFixtures.address("2001:db8::1"))
        bytes += [UInt8](repeating: 0, count: 8)
        bytes = CodecFixtures.refreshChecksum(bytes, source: CodecFixtures.v6Source, destination: CodecFixtures.v6Group)
        let result = VRRPPacketDecoder.decode(
            vrrpPayload: bytes, source: CodecFixtures.v6Source, destination: CodecFixtures.v6Group, hopLimit: 255)
        #expect(result == .failure(.version))
    }

    @Test(arguments: [0, 2, 3, 15] as [UInt8]) func notAnAdvertisement(_ type: UInt8) {
        for sample in Self.samples {
            var bytes = sample.bytes
            bytes[0] = bytes[0] & 0xF0 | type
            bytes = CodecFixtures.refreshChecksum(bytes, source: sample.source, destination: sample.destination)
            let result = VRRPPacketDecoder.decode(
                vrrpPayload: bytes, source: sample.source, destination: sample.destination, hopLimit: 255)
            #expect(result == .failure(.type))
        }
    }

    @Test(arguments: [0, 1, 64, 128, 254] as [UInt8]) func hopLimitOtherThan255(_ hopLimit: UInt8) {
        for sample in Self.samples {
            let result = VRRPPacketDecoder.decode(
                vrrpPayload: sample.bytes, source: sample.source, destination: sample.destination, hopLimit: hopLimit)
            #expect(result == .failure(.ttl))
        }
    }

    @Test func ipv4TTL254() {
        var packet = CodecFixtures.keepalivedIPv4Packet
        packet[8] = 254
        #expect(Self.decodeWithFixedHeader(packet) == .failure(.ttl))
        // Without the header checksum fixed, the header itself is bad first.
        #expect(VRRPPacketDecoder.decode(ipv4Packet: packet) == .failure(.ipHeader))
    }

    @Test func everyFlippedChecksumBit() {
        for sample in Self.samples {
            for bit in 0..<16 {
                var bytes = sample.bytes
                bytes[6 + bit / 8] ^= 1 << (bit % 8)
                let result = VRRPPacketDecoder.decode(
                    vrrpPayload: bytes, source: sample.source, destination: sample.destination, hopLimit: 255)
                #expect(result == .failure(.checksum), "bit \(bit)")
            }
        }
    }

    @Test func flippedBitsInTheAddressesAndAuthData() {
        for sample in Self.samples {
            for index in 8..<sample.bytes.count {
                var bytes = sample.bytes
                bytes[index] ^= 0x10
                let result = VRRPPacketDecoder.decode(
                    vrrpPayload: bytes, source: sample.source, destination: sample.destination, hopLimit: 255)
                #expect(result == .failure(.checksum), "byte \(index)")
            }
        }
    }

    @Test func countSaysThreeButOneAddressIsPresent() {
        var bytes = CodecFixtures.keepalivedVRRP
        bytes[3] = 3
        #expect(Self.decodeV4Payload(Self.refreshed(bytes)) == .failure(.addressCount))
        var v3 = CodecFixtures.bytes("3133640100640568c0000264")
        v3[3] = 3
        #expect(Self.decodeV4Payload(Self.refreshed(v3)) == .failure(.addressCount))
    }

    @Test func countSaysZeroButAnAddressIsPresent() {
        var bytes = CodecFixtures.bytes("3133640100640568c0000264")
        bytes[3] = 0
        #expect(Self.decodeV4Payload(Self.refreshed(bytes)) == .failure(.addressCount))
    }

    @Test func countMismatchInsideAWholeIPv4Packet() {
        var packet = CodecFixtures.keepalivedIPv4Packet
        packet[20 + 3] = 3
        let vrrp = Self.refreshed(Array(packet.suffix(20)))
        #expect(VRRPPacketDecoder.decode(ipv4Packet: Array(packet.prefix(20)) + vrrp) == .failure(.addressCount))
    }

    @Test func badIPv4HeaderChecksum() {
        var packet = CodecFixtures.keepalivedIPv4Packet
        packet[11] ^= 0x01
        #expect(VRRPPacketDecoder.decode(ipv4Packet: packet) == .failure(.ipHeader))
    }

    @Test(arguments: [0, 1, 4] as [UInt8]) func ihlBelowFive(_ ihl: UInt8) {
        var packet = CodecFixtures.keepalivedIPv4Packet
        packet[0] = 0x40 | ihl
        #expect(Self.decodeWithFixedHeader(packet) == .failure(.ipHeader))
    }

    @Test func ihlPastTheEndIsTruncated() {
        var packet = CodecFixtures.keepalivedIPv4Packet
        packet[0] = 0x4F  // 60-byte header in a 40-byte packet
        #expect(VRRPPacketDecoder.decode(ipv4Packet: packet) == .failure(.truncated))
    }

    @Test func ipVersionSix() {
        var packet = CodecFixtures.keepalivedIPv4Packet
        packet[0] = 0x65
        #expect(Self.decodeWithFixedHeader(packet) == .failure(.ipHeader))
    }

    @Test func totalLengthShorterThanTheHeader() {
        var packet = CodecFixtures.keepalivedIPv4Packet
        packet[2] = 0
        packet[3] = 19
        #expect(Self.decodeWithFixedHeader(packet) == .failure(.ipHeader))
    }

    @Test func totalLengthPastTheBytesIsTruncated() {
        var packet = CodecFixtures.keepalivedIPv4Packet
        packet[3] = 41
        #expect(Self.decodeWithFixedHeader(packet) == .failure(.truncated))
    }

    @Test func notProtocol112() {
        var packet = CodecFixtures.keepalivedIPv4Packet
        packet[9] = 6
        #expect(Self.decodeWithFixedHeader(packet) == .failure(.ipHeader))
    }

    @Test(arguments: [0x2000, 0x0001, 0x1FFF] as [UInt16]) func fragments(_ flagsAndOffset: UInt16) {
        var packet = CodecFixtures.keepalivedIPv4Packet
        packet[6] = UInt8(flagsAndOffset >> 8)
        packet[7] = UInt8(flagsAndOffset & 0xFF)
        #expect(Self.decodeWithFixedHeader(packet) == .failure(.ipHeader))
    }

    @Test func dontFragmentIsFine() throws {
        var packet = CodecFixtures.keepalivedIPv4Packet
        packet[6] = 0x40
        let received = try Self.decodeWithFixedHeader(packet).get()
        #expect(received.ipv4Header?.flagsAndFragmentOffset == 0x4000)
    }

    @Test func linkLayerPaddingAfterTheTotalLengthIsIgnored() throws {
        let padded = CodecFixtures.keepalivedIPv4Packet + [0, 0, 0, 0, 0, 0]
        let received = try VRRPPacketDecoder.decode(ipv4Packet: padded).get()
        #expect(received.advertisement == CodecFixtures.keepalivedAdvert)
    }

    @Test func headerOptionsAreSkippedAndKept() throws {
        let original = CodecFixtures.keepalivedIPv4Packet
        // Router Alert (RFC 2113) as a 4-byte option: IHL 6, total length 44.
        var packet = [0x46] + Array(original[1..<20]) + [0x94, 0x04, 0x00, 0x00] + Array(original[20...])
        packet[3] = 44
        packet = CodecFixtures.refreshIPv4HeaderChecksum(packet)
        let received = try VRRPPacketDecoder.decode(ipv4Packet: packet).get()
        #expect(received.ipv4Header?.options == [0x94, 0x04, 0x00, 0x00])
        #expect(received.ipv4Header?.headerLength == 24)
        #expect(received.advertisement == CodecFixtures.keepalivedAdvert)
        #expect(received.ipv4Header?.encode() == Array(packet.prefix(24)))
    }

    @Test func sourceAndDestinationOfDifferentFamilies() {
        let result = VRRPPacketDecoder.decode(
            vrrpPayload: CodecFixtures.keepalivedVRRP, source: Self.v4, destination: CodecFixtures.v6Group,
            hopLimit: 255)
        #expect(result == .failure(.ipHeader))
    }
}
