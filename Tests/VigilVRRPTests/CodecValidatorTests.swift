import Testing
import VigilCore
import VigilVRRP

/// Adverts that are valid on the wire but not for the instance: each dropped with its reason,
/// decoded from real bytes first so the reasons hold end to end.
@Suite struct CodecValidatorTests {
    static let vip = CodecFixtures.address("192.0.2.100")

    /// keepalived's instance: VRID 51, v2, PASS 1111, 1 s, one VIP.
    static let instance = VRRPAdvertisementValidator(
        version: .v2, virtualRouterId: 51, authentication: .password("1111"), advertisementInterval: 1,
        addresses: [vip])

    /// Encodes `advert`, decodes it from a whole IPv4 packet and validates it against `validator`.
    static func reason(_ advert: VRRPAdvertisement, validator: VRRPAdvertisementValidator = instance) -> VRRPDropReason? {
        let packet = advert.encodeIPv4Packet(
            source: CodecFixtures.v4("192.0.2.11"), destination: VRRPWire.ipv4Group, identification: 7)
        switch VRRPPacketDecoder.decode(ipv4Packet: packet) {
        case .success(let received): return validator.validate(received.advertisement)
        case .failure(let reason):
            Issue.record("wire decode failed: \(reason)")
            return reason
        }
    }

    static func keepalived(_ change: (inout VRRPAdvertisement) -> Void) -> VRRPAdvertisement {
        var advert = CodecFixtures.keepalivedAdvert
        change(&advert)
        return advert
    }

    @Test func acceptsAMatchingAdvert() {
        #expect(Self.reason(CodecFixtures.keepalivedAdvert) == nil)
        // Priority is the state machine's business, not a reason to drop.
        #expect(Self.reason(Self.keepalived { $0.priority = 0 }) == nil)
        #expect(Self.reason(Self.keepalived { $0.priority = 255 }) == nil)
    }

    @Test func v2AuthTypeTwoIsUnsupported() {
        #expect(Self.reason(Self.keepalived { $0.authentication = .unsupported(type: 2) }) == .authType)
        // Even an instance configured with the same unsupported type does not accept it.
        var ah = Self.instance
        ah.authentication = .unsupported(type: 2)
        #expect(Self.reason(Self.keepalived { $0.authentication = .unsupported(type: 2) }, validator: ah) == .authType)
    }

    @Test func authTypeMismatch() {
        #expect(Self.reason(Self.keepalived { $0.authentication = .none }) == .authType)
        var open = Self.instance
        open.authentication = .none
        #expect(Self.reason(CodecFixtures.keepalivedAdvert, validator: open) == .authType)
        #expect(Self.reason(Self.keepalived { $0.authentication = .none }, validator: open) == nil)
    }

    @Test func wrongPassword() {
        #expect(Self.reason(Self.keepalived { $0.authentication = .password("1112") }) == .authMismatch)
        #expect(Self.reason(Self.keepalived { $0.authentication = .password("11111") }) == .authMismatch)
        #expect(Self.reason(Self.keepalived { $0.authentication = .password("") }) == .authMismatch)
    }

    @Test func passwordsCompareAsTheirEightWireBytes() {
        var long = Self.instance
        long.authentication = .simplePassword(Array("secret99-and-more".utf8))
        #expect(Self.reason(Self.keepalived { $0.authentication = .password("secret99") }, validator: long) == nil)
        #expect(Self.reason(Self.keepalived { $0.authentication = .password("secret98") }, validator: long) == .authMismatch)
    }

    @Test(arguments: [0, 2, 3, 255] as [UInt16]) func v2IntervalMismatch(_ interval: UInt16) {
        #expect(Self.reason(Self.keepalived { $0.maxAdvertInterval = interval }) == .intervalMismatch)
    }

    @Test func v3IntervalIsNotCheckedAndAuthIsIgnored() {
        let instance = VRRPAdvertisementValidator(
            version: .v3, virtualRouterId: 51, authentication: .password("ignored"), advertisementInterval: 100,
            addresses: [Self.vip])
        let advert = VRRPAdvertisement(
            version: .v3, virtualRouterId: 51, priority: 100, maxAdvertInterval: 250, addresses: [Self.vip])
        #expect(Self.reason(advert, validator: instance) == nil)
    }

    @Test func addressListDiffers() {
        let other = CodecFixtures.address("192.0.2.101")
        #expect(Self.reason(Self.keepalived { $0.addresses = [other] }) == .addressList)
        #expect(Self.reason(Self.keepalived { $0.addresses = [Self.vip, other] }) == .addressList)
        #expect(Self.reason(Self.keepalived { $0.addresses = [] }) == .addressList)
        #expect(Self.reason(Self.keepalived { $0.addresses = [Self.vip, Self.vip] }) == .addressList)
    }

    @Test func addressOrderDoesNotMatter() {
        let second = CodecFixtures.address("198.51.100.1")
        var two = Self.instance
        two.addresses = [second, Self.vip]
        #expect(Self.reason(Self.keepalived { $0.addresses = [Self.vip, second] }, validator: two) == nil)
    }

    @Test func addressCheckCanBeSkipped() {
        var skipping = Self.instance
        skipping.checksAddressList = false
        #expect(Self.reason(Self.keepalived { $0.addresses = [] }, validator: skipping) == nil)
    }

    @Test func otherVirtualRouterId() {
        #expect(Self.reason(Self.keepalived { $0.virtualRouterId = 52 }) == .unknownVirtualRouterId)
    }

    @Test func lookupByVirtualRouterId() {
        let lookup: (UInt8) -> VRRPAdvertisementValidator? = { $0 == 51 ? Self.instance : nil }
        #expect(VRRPAdvertisementValidator.validate(CodecFixtures.keepalivedAdvert, lookup: lookup) == nil)
        let other = Self.keepalived { $0.virtualRouterId = 9 }
        #expect(VRRPAdvertisementValidator.validate(other, lookup: lookup) == .unknownVirtualRouterId)
        let wrong = Self.keepalived { $0.authentication = .password("nope") }
        #expect(VRRPAdvertisementValidator.validate(wrong, lookup: lookup) == .authMismatch)
    }

    @Test func versionOtherThanTheInstance() {
        let v3 = VRRPAdvertisement(
            version: .v3, virtualRouterId: 51, priority: 100, maxAdvertInterval: 100, addresses: [Self.vip])
        #expect(Self.reason(v3) == .version)
    }

    @Test func reasonLabelsAreTheMetricValues() {
        let labels = VRRPDropReason.allCases.map(\.rawValue)
        #expect(
            labels == [
                "truncated", "version", "type", "ttl", "checksum", "unknown_vrid", "auth_type", "auth_mismatch",
                "interval_mismatch", "address_list", "address_count", "ip_header",
            ])
        for label in labels {
            #expect(label.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }, "\(label)")
        }
    }
}
