import VigilCore

/// One VRRP advertisement as it travels on the wire, without the IP header around it.
public struct VRRPAdvertisement: Hashable, Sendable {
    public var version: VRRPProtocolVersion
    public var virtualRouterId: UInt8
    public var priority: UInt8
    /// VRRPv3: Max Adver Int in centiseconds (12 bits, larger values are clamped to 4095).
    /// VRRPv2: Adver Int in whole seconds (larger values are clamped to 255).
    public var maxAdvertInterval: UInt16
    /// The virtual addresses; only those of `family` are encoded, at most 255.
    public var addresses: [IPAddress]
    /// VRRPv2 only; VRRPv3 carries no authentication and decodes as `.none`.
    public var authentication: Authentication
    /// IPv4 or IPv6; VRRPv2 exists only for IPv4.
    public var family: AddressFamily

    /// `family` defaults to that of the first address, else IPv4.
    public init(
        version: VRRPProtocolVersion, virtualRouterId: UInt8, priority: UInt8, maxAdvertInterval: UInt16,
        addresses: [IPAddress], authentication: Authentication = .none, family: AddressFamily? = nil
    ) {
        self.version = version
        self.virtualRouterId = virtualRouterId
        self.priority = priority
        self.maxAdvertInterval = maxAdvertInterval
        self.addresses = addresses
        self.authentication = authentication
        self.family = family ?? addresses.first?.family ?? .ipv4
    }

    /// VRRPv2 authentication (RFC 2338 §5.3.6; RFC 3768 removed it, keepalived still sends PASS).
    public enum Authentication: Hashable, Sendable {
        /// Auth type 0.
        case none
        /// Auth type 1: the password as the 8 bytes of authentication data (shorter is zero-padded, longer cut).
        case simplePassword([UInt8])
        /// Any other auth type (2 is IP AH); never accepted, kept so a drop can say why.
        case unsupported(type: UInt8)

        /// A clear-text password as keepalived puts it on the wire: UTF-8, zero-padded or cut to 8 bytes.
        public static func password(_ text: String) -> Authentication {
            .simplePassword(normalizedPassword(Array(text.utf8)))
        }

        /// The auth type byte of a VRRPv2 header.
        public var authType: UInt8 {
            switch self {
            case .none: 0
            case .simplePassword: 1
            case .unsupported(let type): type
            }
        }

        /// The 8 bytes written after the addresses; zero unless a password is set.
        var authenticationData: [UInt8] {
            if case .simplePassword(let password) = self { return Self.normalizedPassword(password) }
            return [UInt8](repeating: 0, count: VRRPWire.v2AuthenticationDataLength)
        }

        static func normalizedPassword(_ bytes: [UInt8]) -> [UInt8] {
            let length = VRRPWire.v2AuthenticationDataLength
            let kept = Array(bytes.prefix(length))
            return kept + [UInt8](repeating: 0, count: length - kept.count)
        }
    }
}
