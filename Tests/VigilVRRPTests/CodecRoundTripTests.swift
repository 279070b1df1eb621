import Testing
import VigilCore
import VigilVRRP
import VigilTestSupport

/// decode(encode(x)) == x over generated adverts: v2/v3, IPv4/IPv6, 0-20 addresses, every priority,
/// intervals at their edges.
@Suite struct CodecRoundTripTests {
    static let cases = 4000

    @Test func payloadRoundTrip() {
        var random = SplitMix64(seed: 0x5652_5250)
        var seen: Set<String> = []
        for _ in 0..<Self.cases {
            let (advert, source, destination) = random.advertisement()
            seen.insert("\(advert.version) \(advert.family)")
            let bytes = advert.encode(source: source, destination: destination)
            let checksum = UInt16(bytes[6]) << 8 | UInt16(bytes[7])
            #expect(checksum == CodecFixtures.expectedChecksum(bytes, source: source, destination: destination))
            let result = VRRPPacketDecoder.decode(
                vrrpPayload: bytes, source: source, destination: destination, hopLimit: 255)
            guard case .success(let received) = result else {
                Issue.record("\(advert) did not decode: \(result)")
                continue
            }
            #expect(received.advertisement == advert)
            #expect(received.source == source)
            #expect(received.destination == destination)
        }
        #expect(seen == ["v2 ipv4", "v3 ipv4", "v3 ipv6"])
    }

    @Test func ipv4PacketRoundTrip() {
        var random = SplitMix64(seed: 0x4950_7634)
        var decoded = 0
        for index in 0..<Self.cases {
            let (generated, _, _) = random.advertisement()
            guard generated.family == .ipv4 else { continue }
            let source = IPv4Address(192, 0, 2, random.byte())
            let identification = UInt16(truncatingIfNeeded: index)
            let packet = generated.encodeIPv4Packet(
                source: source, destination: VRRPWire.ipv4Group, identification: identification)
            let result = VRRPPacketDecoder.decode(ipv4Packet: packet)
            guard case .success(let received) = result else {
                Issue.record("\(generated) did not decode: \(result)")
                continue
            }
            #expect(received.advertisement == generated)
            #expect(received.source == .v4(source))
            #expect(received.ipv4Header?.identification == identification)
            #expect(received.ipv4Header?.totalLength == UInt16(packet.count))
            decoded += 1
        }
        #expect(decoded > Self.cases / 3)
    }

    @Test func edgesOfEveryField() throws {
        for version in VRRPProtocolVersion.allCases {
            let interval: UInt16 = version == .v2 ? 255 : 4095
            for priority: UInt8 in [0, 1, 254, 255] {
                for count in [0, 1, 20, 255] {
                    let addresses = (0..<count).map { IPAddress.v4(IPv4Address(192, 0, 2, UInt8($0))) }
                    let advert = VRRPAdvertisement(
                        version: version, virtualRouterId: priority, priority: priority, maxAdvertInterval: interval,
                        addresses: addresses, family: .ipv4)
                    let bytes = advert.encode(source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group)
                    let received = try VRRPPacketDecoder.decode(
                        vrrpPayload: bytes, source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group,
                        hopLimit: 255
                    ).get()
                    #expect(received.advertisement == advert)
                }
            }
        }
    }
}
