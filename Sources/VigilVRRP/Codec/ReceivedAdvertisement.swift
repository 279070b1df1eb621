import VigilCore

/// A wire-valid advert and where it came from, before it is checked against an instance.
public struct ReceivedAdvertisement: Hashable, Sendable {
    public var advertisement: VRRPAdvertisement
    public var source: IPAddress
    public var destination: IPAddress
    /// The IPv4 TTL or the IPv6 hop limit; always 255 once decoded.
    public var hopLimit: UInt8
    /// The IPv4 header when the advert was decoded from a whole IPv4 packet.
    public var ipv4Header: IPv4Header?

    public init(
        advertisement: VRRPAdvertisement, source: IPAddress, destination: IPAddress, hopLimit: UInt8,
        ipv4Header: IPv4Header? = nil
    ) {
        self.advertisement = advertisement
        self.source = source
        self.destination = destination
        self.hopLimit = hopLimit
        self.ipv4Header = ipv4Header
    }
}
