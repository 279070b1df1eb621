import Testing
import VigilCore
import VigilVRRP

/// The real advert keepalived 2.2.7 sent in the lab, decoded and reproduced byte for byte.
@Suite struct CodecKeepalivedTests {
    @Test func decodesTheKeepalivedAdvert() throws {
        let received = try VRRPPacketDecoder.decode(ipv4Packet: CodecFixtures.keepalivedIPv4Packet).get()
        let advert = received.advertisement
        #expect(advert.version == .v2)
        #expect(advert.virtualRouterId == 51)
        #expect(advert.priority == 100)
        #expect(advert.maxAdvertInterval == 1)
        #expect(advert.addresses == [CodecFixtures.address("192.0.2.100")])
        #expect(advert.family == .ipv4)
        #expect(advert.authentication == .simplePassword(Array("1111".utf8) + [0, 0, 0, 0]))
        #expect(advert.authentication.authType == 1)
        #expect(received.source == CodecFixtures.address("192.0.2.11"))
        #expect(received.destination == CodecFixtures.address("224.0.0.18"))
        #expect(received.hopLimit == 255)
        let header = try #require(received.ipv4Header)
        #expect(header.typeOfService == 0xc0)
        #expect(header.timeToLive == 255)
        #expect(header.protocolNumber == 112)
        #expect(header.identification == 1)
        #expect(header.totalLength == 40)
        #expect(header.isFragment == false)
        #expect(header.options.isEmpty)
    }

    @Test func encodingMatchesTheKeepalivedBytes() {
        let encoded = CodecFixtures.keepalivedAdvert.encode(
            source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group)
        #expect(CodecFixtures.hex(encoded) == CodecFixtures.hex(CodecFixtures.keepalivedVRRP))
        #expect(CodecFixtures.hex(encoded) == "2133640101015503c00002643131313100000000")
    }

    @Test func wholeIPv4PacketMatchesWithTheSameIdentification() {
        let packet = CodecFixtures.keepalivedAdvert.encodeIPv4Packet(
            source: CodecFixtures.v4("192.0.2.11"), destination: VRRPWire.ipv4Group, identification: 1)
        #expect(CodecFixtures.hex(packet) == CodecFixtures.hex(CodecFixtures.keepalivedIPv4Packet))
        #expect(CodecFixtures.hex(Array(packet.prefix(20))) == "45c0002800010000ff701887c000020be0000012")
    }

    @Test func keepalivedChecksumsAgreeWithTheReferenceSum() {
        let vrrp = CodecFixtures.keepalivedVRRP
        #expect(
            CodecFixtures.expectedChecksum(vrrp, source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group)
                == 0x5503)
        // A header with its checksum in place sums to zero after complementing.
        #expect(CodecFixtures.referenceChecksum(Array(CodecFixtures.keepalivedIPv4Packet.prefix(20))) == 0)
    }

    @Test func theInstanceThatSentItAcceptsIt() throws {
        let received = try VRRPPacketDecoder.decode(ipv4Packet: CodecFixtures.keepalivedIPv4Packet).get()
        let instance = VRRPAdvertisementValidator(
            version: .v2, virtualRouterId: 51, authentication: .password("1111"), advertisementInterval: 1,
            addresses: [CodecFixtures.address("192.0.2.100")])
        #expect(instance.validate(received.advertisement) == nil)
    }

    @Test func passwordsAreZeroPaddedOrCutToEightBytes() {
        #expect(VRRPAdvertisement.Authentication.password("ab") == .simplePassword([0x61, 0x62, 0, 0, 0, 0, 0, 0]))
        #expect(
            VRRPAdvertisement.Authentication.password("0123456789")
                == .simplePassword(Array("01234567".utf8)))
        // An unnormalized password is written the same way keepalived writes it.
        var advert = CodecFixtures.keepalivedAdvert
        advert.authentication = .simplePassword(Array("1111".utf8))
        let encoded = advert.encode(source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group)
        #expect(encoded == CodecFixtures.keepalivedVRRP)
        advert.authentication = .simplePassword(Array("1111AAAAcut".utf8))
        let cut = advert.encode(source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group)
        #expect(Array(cut.suffix(8)) == Array("1111AAAA".utf8))
        #expect(cut.count == 20)
    }
}
