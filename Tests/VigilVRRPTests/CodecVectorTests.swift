import Testing
import VigilCore
import VigilVRRP

/// VRRPv3 vectors computed by hand (and by a separate script), checked against the codec and
/// against the test's own checksum over a literal pseudo-header.
@Suite struct CodecVectorTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let advert: VRRPAdvertisement
        let source: IPAddress
        let destination: IPAddress
        let hex: String
        var testDescription: String { name }
    }

    static let vectors: [Vector] = [
        Vector(
            name: "v3 IPv4, one VIP, 1 s",
            advert: VRRPAdvertisement(
                version: .v3, virtualRouterId: 51, priority: 100, maxAdvertInterval: 100,
                addresses: [CodecFixtures.address("192.0.2.100")]),
            source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group,
            // 3133+6401+0064+c000+0264 + pseudo c000+020b+e000+0012+0070+000c = 0x2fa95 → fold 0xfa97 → 0x0568
            hex: "3133640100640568c0000264"),
        Vector(
            name: "v3 IPv4, three VIPs, 40.95 s, priority 254",
            advert: VRRPAdvertisement(
                version: .v3, virtualRouterId: 7, priority: 254, maxAdvertInterval: 4095,
                addresses: ["192.0.2.100", "198.51.100.7", "203.0.113.255"].map(CodecFixtures.address)),
            source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group,
            hex: "3107fe030ffff4b2c0000264c6336407cb0071ff"),
        Vector(
            name: "v3 IPv6 fe80::1 to ff02::12",
            advert: VRRPAdvertisement(
                version: .v3, virtualRouterId: 51, priority: 100, maxAdvertInterval: 100,
                addresses: [CodecFixtures.address("2001:db8::100")]),
            source: CodecFixtures.v6Source, destination: CodecFixtures.v6Group,
            hex: "3133640100643d8f20010db8000000000000000000000100"),
        Vector(
            name: "v3 IPv6, two VIPs, 10 ms, priority 1",
            advert: VRRPAdvertisement(
                version: .v3, virtualRouterId: 200, priority: 1, maxAdvertInterval: 1,
                addresses: ["2001:db8::1", "2001:db8:ffff::abcd"].map(CodecFixtures.address)),
            source: CodecFixtures.v6Source, destination: CodecFixtures.v6Group,
            hex: "31c801020001c7c420010db800000000000000000000000120010db8ffff0000000000000000abcd"),
    ]

    @Test(arguments: vectors) func encodesToTheVector(_ vector: Vector) {
        let encoded = vector.advert.encode(source: vector.source, destination: vector.destination)
        #expect(CodecFixtures.hex(encoded) == vector.hex)
        let checksum = UInt16(encoded[6]) << 8 | UInt16(encoded[7])
        #expect(
            checksum == CodecFixtures.expectedChecksum(encoded, source: vector.source, destination: vector.destination))
    }

    @Test(arguments: vectors) func decodesTheVector(_ vector: Vector) throws {
        let received = try VRRPPacketDecoder.decode(
            vrrpPayload: CodecFixtures.bytes(vector.hex), source: vector.source, destination: vector.destination,
            hopLimit: 255
        ).get()
        #expect(received.advertisement == vector.advert)
        #expect(received.source == vector.source)
        #expect(received.ipv4Header == nil)
    }

    @Test(arguments: vectors) func theChecksumCoversThePseudoHeader(_ vector: Vector) {
        let other = vector.source.family == .ipv4 ? CodecFixtures.address("192.0.2.12") : CodecFixtures.address("fe80::2")
        let result = VRRPPacketDecoder.decode(
            vrrpPayload: CodecFixtures.bytes(vector.hex), source: other, destination: vector.destination,
            hopLimit: 255)
        #expect(result == .failure(.checksum))
    }

    @Test func ipv6AdvertFromLinkLocalToTheGroup() throws {
        #expect(VRRPWire.ipv6Group.description == "ff02::12")
        #expect(VRRPWire.ipv4Group.description == "224.0.0.18")
        let advert = VRRPAdvertisement(
            version: .v3, virtualRouterId: 51, priority: 100, maxAdvertInterval: 100,
            addresses: [CodecFixtures.address("2001:db8::100")])
        #expect(advert.family == .ipv6)
        let bytes = advert.encode(source: CodecFixtures.v6Source, destination: .v6(VRRPWire.ipv6Group))
        #expect(bytes.count == 8 + 16)
        #expect(bytes[0] == 0x31)
        let received = try VRRPPacketDecoder.decode(
            vrrpPayload: bytes, source: CodecFixtures.v6Source, destination: CodecFixtures.v6Group, hopLimit: 255
        ).get()
        #expect(received.advertisement == advert)
        #expect(received.destination == CodecFixtures.address("ff02::12"))
    }

    @Test func v3IPv4WholePacketDecodes() throws {
        let advert = CodecVectorTests.vectors[0].advert
        let packet = advert.encodeIPv4Packet(
            source: CodecFixtures.v4("192.0.2.11"), destination: VRRPWire.ipv4Group, identification: 0xBEEF)
        #expect(CodecFixtures.hex(Array(packet.suffix(12))) == "3133640100640568c0000264")
        let received = try VRRPPacketDecoder.decode(ipv4Packet: packet).get()
        #expect(received.advertisement == advert)
        #expect(received.ipv4Header?.identification == 0xBEEF)
        #expect(received.ipv4Header?.totalLength == 32)
    }

    @Test func v3IntervalKeepsTheReservedBitsZeroAndIgnoresThemOnReceipt() throws {
        var advert = CodecVectorTests.vectors[0].advert
        advert.maxAdvertInterval = 0xFFFF
        let encoded = advert.encode(source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group)
        #expect(encoded[4] == 0x0F && encoded[5] == 0xFF)  // clamped to 4095, reserved nibble zero
        var reserved = encoded
        reserved[4] |= 0xF0
        reserved = CodecFixtures.refreshChecksum(reserved, source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group)
        let received = try VRRPPacketDecoder.decode(
            vrrpPayload: reserved, source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group, hopLimit: 255
        ).get()
        #expect(received.advertisement.maxAdvertInterval == 4095)
    }

    @Test func v2IntervalIsClampedToOneByte() {
        var advert = CodecFixtures.keepalivedAdvert
        advert.maxAdvertInterval = 300
        let encoded = advert.encode(source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group)
        #expect(encoded[5] == 255)
    }

    @Test func addressesOfTheOtherFamilyAreNotEncoded() throws {
        let advert = VRRPAdvertisement(
            version: .v3, virtualRouterId: 9, priority: 100, maxAdvertInterval: 100,
            addresses: [CodecFixtures.address("192.0.2.1"), CodecFixtures.address("2001:db8::1")], family: .ipv4)
        let encoded = advert.encode(source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group)
        #expect(encoded[3] == 1)
        #expect(encoded.count == 12)
        let received = try VRRPPacketDecoder.decode(
            vrrpPayload: encoded, source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group, hopLimit: 255
        ).get()
        #expect(received.advertisement.addresses == [CodecFixtures.address("192.0.2.1")])
    }
}
