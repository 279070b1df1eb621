import NIOCore
import VigilCore
import VigilPlatform

/// One VRRP socket (an interface and a family): sends encoded adverts and hands over what arrives.
/// The engine owns it; `SystemVRRPHost` opens raw sockets, tests an in-memory wire.
public protocol VRRPTransport: AnyObject, Sendable {
    /// Starts handing received datagrams to `deliver` on `loop` (the engine's), in arrival order,
    /// one at a time: the next waits until `deliver` has returned, so a flood is dropped at the
    /// socket's bounded buffer instead of piling up on the loop ahead of the advert timers.
    func startReceiving(on loop: any EventLoop, _ deliver: @escaping @Sendable (ReceivedDatagram) -> Void)
    /// Sends one VRRP message (without the IP header) to the group or a unicast peer.
    func send(_ message: [UInt8], to destination: IPAddress) throws
    /// Stops receiving and releases the socket.
    func close()
}

/// Gratuitous ARP and unsolicited neighbour advertisements on one interface.
public protocol AddressAnnouncing: Sendable {
    func announce(_ address: IPv4Address) throws
    func announce(_ address: IPv6Address) throws
}

/// Link state for track_interface and an instance's own interface.
public protocol LinkWatching: Sendable {
    /// Whether `interface` is up and running now; nil when it does not exist.
    func isRunning(_ interface: String) -> Bool?
    /// Starts reporting changes (interface name, up) from any thread; returns what stops it.
    func watch(_ changed: @escaping @Sendable (_ interface: String, _ isUp: Bool) -> Void) throws -> @Sendable () -> Void
}

/// Everything the VRRP engine needs from the machine it runs on, injected: its sockets, address
/// changes, announcements and link events. The clock is the engine's event loop (a manual one in
/// tests). `system` is the real machine; `Tests/VigilRuntimeTestSupport` has the in-memory one.
public struct VRRPHost: Sendable {
    public var openTransport: @Sendable (_ family: AddressFamily, _ interface: String, _ source: IPAddress?) throws -> any VRRPTransport
    public var makeAnnouncer: @Sendable (_ interface: String) throws -> any AddressAnnouncing
    public var addresses: any VirtualAddressManaging
    public var links: any LinkWatching

    public init(
        openTransport: @escaping @Sendable (_ family: AddressFamily, _ interface: String, _ source: IPAddress?) throws -> any VRRPTransport,
        makeAnnouncer: @escaping @Sendable (_ interface: String) throws -> any AddressAnnouncing,
        addresses: any VirtualAddressManaging, links: any LinkWatching
    ) {
        self.openTransport = openTransport
        self.makeAnnouncer = makeAnnouncer
        self.addresses = addresses
        self.links = links
    }
}
