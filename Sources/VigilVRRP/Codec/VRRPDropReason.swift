/// Why a received packet was not taken as an advert; the raw value is the `reason` label of
/// `vigil_vrrp_packets_dropped_total`.
public enum VRRPDropReason: String, Hashable, Sendable, CaseIterable, Error {
    /// Fewer bytes than the IPv4 header, its total length or the fixed VRRP header need.
    case truncated
    /// A VRRP version other than 2 or 3, VRRPv2 over IPv6, or a version other than the instance's.
    case version
    /// A VRRP type other than 1 (advertisement).
    case type
    /// IPv4 TTL or IPv6 hop limit other than 255: the packet crossed a router.
    case ttl
    /// The VRRP checksum does not verify.
    case checksum
    /// No instance is configured for the VRID (keepalived ignores these silently; the caller decides).
    case unknownVirtualRouterId = "unknown_vrid"
    /// VRRPv2 auth type differs from the instance's, or is one we do not support (2, IP AH).
    case authType = "auth_type"
    /// VRRPv2 simple password differs.
    case authMismatch = "auth_mismatch"
    /// VRRPv2 advert interval differs from the instance's (RFC 3768 §7.1).
    case intervalMismatch = "interval_mismatch"
    /// The address list differs from the instance's virtual addresses (count or members).
    case addressList = "address_list"
    /// The count field does not match the message length.
    case addressCount = "address_count"
    /// The IPv4 header is malformed (version, IHL, total length, checksum), not VRRP, a fragment,
    /// or the source and destination families differ.
    case ipHeader = "ip_header"
}
