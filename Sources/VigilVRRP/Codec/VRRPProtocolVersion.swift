/// The VRRP version on the wire: 2 (RFC 3768, IPv4 only) or 3 (RFC 5798/9568).
public enum VRRPProtocolVersion: UInt8, Hashable, Sendable, CaseIterable {
    case v2 = 2
    case v3 = 3
}
