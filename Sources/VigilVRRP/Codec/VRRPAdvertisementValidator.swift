import VigilCore

/// What one instance accepts (RFC 3768 §7.1, RFC 5798 §7.1, keepalived's checks): a pure check of a
/// wire-valid advert against the instance's version, VRID, authentication, interval and addresses.
public struct VRRPAdvertisementValidator: Hashable, Sendable {
    public var version: VRRPProtocolVersion
    public var virtualRouterId: UInt8
    /// VRRPv2 only: the auth type and password adverts must carry.
    public var authentication: VRRPAdvertisement.Authentication
    /// VRRPv2 only: Adver Int in whole seconds, which must match ours. VRRPv3 backups learn the
    /// master's interval instead, so it is not checked.
    public var advertisementInterval: UInt16
    /// The instance's virtual addresses; order does not matter.
    public var addresses: [IPAddress]
    /// False skips the address list check, as keepalived's `skip_check_adv_addr` does for adverts
    /// from the master already heard.
    public var checksAddressList: Bool

    public init(
        version: VRRPProtocolVersion, virtualRouterId: UInt8, authentication: VRRPAdvertisement.Authentication = .none,
        advertisementInterval: UInt16, addresses: [IPAddress], checksAddressList: Bool = true
    ) {
        self.version = version
        self.virtualRouterId = virtualRouterId
        self.authentication = authentication
        self.advertisementInterval = advertisementInterval
        self.addresses = addresses
        self.checksAddressList = checksAddressList
    }

    /// Nil when the advert is for this instance and acceptable, else why it is dropped.
    public func validate(_ advertisement: VRRPAdvertisement) -> VRRPDropReason? {
        guard advertisement.virtualRouterId == virtualRouterId else { return .unknownVirtualRouterId }
        guard advertisement.version == version else { return .version }
        if version == .v2 {
            if let reason = Self.checkAuthentication(received: advertisement.authentication, expected: authentication) {
                return reason
            }
        }
        if checksAddressList, advertisement.addresses.sorted() != addresses.sorted() {
            return .addressList
        }
        if version == .v2, advertisement.maxAdvertInterval != advertisementInterval {
            return .intervalMismatch
        }
        return nil
    }

    /// Routes by VRID: `lookup` gives the validator of the instance configured for a VRID, or nil
    /// (`.unknownVirtualRouterId`, which the caller may ignore silently as keepalived does).
    public static func validate(
        _ advertisement: VRRPAdvertisement, lookup: (UInt8) -> VRRPAdvertisementValidator?
    ) -> VRRPDropReason? {
        guard let validator = lookup(advertisement.virtualRouterId) else { return .unknownVirtualRouterId }
        return validator.validate(advertisement)
    }

    /// Unsupported types (IP AH) never pass, even if configured; passwords compare as their 8 wire bytes.
    private static func checkAuthentication(
        received: VRRPAdvertisement.Authentication, expected: VRRPAdvertisement.Authentication
    ) -> VRRPDropReason? {
        switch (received, expected) {
        case (.none, .none):
            return nil
        case (.simplePassword(let got), .simplePassword(let want)):
            let matches = VRRPAdvertisement.Authentication.normalizedPassword(got)
                == VRRPAdvertisement.Authentication.normalizedPassword(want)
            return matches ? nil : .authMismatch
        default:
            return .authType
        }
    }
}
