import Testing
import VigilCore
import VigilVRRP
import VigilTestSupport

/// Random and mutated input never traps, and no single-byte change to a valid packet gets through.
@Suite struct CodecFuzzTests {
    @Test func randomBytesNeverTrap() {
        var random = SplitMix64(seed: 0xF022)
        var accepted = 0
        for index in 0..<20_000 {
            var bytes = random.bytes(Int.random(in: 0...120, using: &random))
            // Steer a third of the inputs past the first checks so the deeper paths run too.
            if index % 3 == 0, !bytes.isEmpty { bytes[0] = [0x45, 0x21, 0x31][index % 9 / 3] }
            let fromIPv4 = VRRPPacketDecoder.decode(ipv4Packet: bytes)
            let fromIPv6 = VRRPPacketDecoder.decode(
                vrrpPayload: bytes, source: CodecFixtures.v6Source, destination: CodecFixtures.v6Group, hopLimit: 255)
            let fromIPv4Payload = VRRPPacketDecoder.decode(
                vrrpPayload: bytes, source: CodecFixtures.v4Source, destination: CodecFixtures.v4Group, hopLimit: 255)
            for result in [fromIPv4, fromIPv6, fromIPv4Payload] {
                if case .success(let received) = result {
                    accepted += 1
                    // Anything accepted is an advert the codec can write again.
                    #expect(received.hopLimit == 255)
                    let again = received.advertisement.encode(source: received.source, destination: received.destination)
                    let redecoded = VRRPPacketDecoder.decode(
                        vrrpPayload: again, source: received.source, destination: received.destination, hopLimit: 255)
                    #expect((try? redecoded.get().advertisement) == received.advertisement)
                }
            }
        }
        // Random bytes almost never carry a valid checksum and an exact length.
        #expect(accepted < 50)
    }

    @Test func everySingleByteMutationOfAValidPacketIsRejected() {
        var random = SplitMix64(seed: 0x4D55_5441)
        var mutations = 0
        while mutations < 20_000 {
            let (advert, source, destination) = random.advertisement()
            let isIPv4 = advert.family == .ipv4
            let original: [UInt8]
            if isIPv4, case .v4(let source4) = source {
                original = advert.encodeIPv4Packet(
                    source: source4, destination: VRRPWire.ipv4Group, identification: UInt16(mutations & 0xFFFF))
            } else {
                original = advert.encode(source: source, destination: destination)
            }
            for _ in 0..<10 {
                var mutated = original
                let index = Int.random(in: 0..<mutated.count, using: &random)
                mutated[index] ^= UInt8.random(in: 1...255, using: &random)
                let result =
                    isIPv4
                    ? VRRPPacketDecoder.decode(ipv4Packet: mutated)
                    : VRRPPacketDecoder.decode(
                        vrrpPayload: mutated, source: source, destination: destination, hopLimit: 255)
                // The IPv4 header checksum and the VRRP checksum each catch any change to one byte.
                if case .success = result { Issue.record("mutation at \(index) of \(CodecFixtures.hex(original)) passed") }
                mutations += 1
            }
        }
    }
}
