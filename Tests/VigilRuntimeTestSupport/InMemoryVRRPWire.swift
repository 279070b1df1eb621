import NIOCore
import Synchronization
import VigilCore
import VigilPlatform
import VigilRuntime
import VigilVRRP

/// One network segment in memory: what a transport sends to the VRRP group reaches every other
/// transport of its family, what it sends to an address reaches the transport with that address,
/// each handed over as a raw socket would (IPv4 with its IP header and TTL 255, IPv6 with hop
/// limit 255). Delivery is a call, so on a shared manual event loop every advert arrives at the
/// instant it was sent. Nodes can be cut off (silence, as after kill -9) and raw bytes injected.
public final class InMemoryVRRPWire: Sendable {
    /// One datagram that crossed the wire.
    public struct Frame: Sendable {
        public let source: IPAddress
        public let destination: IPAddress
        /// The VRRP message, without an IP header.
        public let message: [UInt8]
        /// The wire's clock when it was sent.
        public let at: Duration
    }

    private struct State {
        var transports: [ObjectIdentifier: InMemoryVRRPTransport] = [:]
        var cut: Set<IPAddress> = []
        var frames: [Frame] = []
        var identification: UInt16 = 0
    }
    private let state = Mutex(State())
    private let clock: @Sendable () -> Duration

    /// `clock` stamps each frame (the test's manual loop time).
    public init(clock: @escaping @Sendable () -> Duration) { self.clock = clock }

    /// A transport for the node with `address` (its VRRP source address).
    public func transport(address: IPAddress) -> InMemoryVRRPTransport {
        let transport = InMemoryVRRPTransport(wire: self, address: address)
        state.withLock { $0.transports[ObjectIdentifier(transport)] = transport }
        return transport
    }

    /// Nothing from or to `address` crosses the wire any more (a node killed with -9, a cable pulled).
    public func cut(_ address: IPAddress) { state.withLock { _ = $0.cut.insert(address) } }

    /// `address` is connected again.
    public func heal(_ address: IPAddress) { state.withLock { _ = $0.cut.remove(address) } }

    /// Every frame sent so far, oldest first.
    public var frames: [Frame] { state.withLock { $0.frames } }

    /// The adverts `source` sent, decoded, with their send times.
    public func adverts(from source: IPAddress) -> [(at: Duration, advert: VRRPAdvertisement)] {
        frames.filter { $0.source == source }.compactMap { frame in
            let decoded = VRRPPacketDecoder.decode(
                vrrpPayload: frame.message, source: frame.source, destination: frame.destination, hopLimit: VRRPWire.hopLimit)
            guard case .success(let received) = decoded else { return nil }
            return (frame.at, received.advertisement)
        }
    }

    /// Hands raw bytes to every transport of the family but the sender's, as if they had arrived
    /// from `source` (an IPv4 packet must carry its own IP header): for malformed packets.
    public func inject(_ bytes: [UInt8], from source: IPAddress, to destination: IPAddress, hopLimit: Int? = 255) {
        let receivers = state.withLock { state in state.transports.values.filter { $0.address != source && $0.address.family == source.family } }
        for receiver in receivers {
            receiver.deliver(
                ReceivedDatagram(
                    bytes: bytes, source: source, destination: destination, interfaceIndex: 1, hopLimit: source.family == .ipv6 ? hopLimit : nil))
        }
    }

    func send(_ message: [UInt8], from sender: InMemoryVRRPTransport, to destination: IPAddress) {
        let source = sender.address
        let (receivers, identification): ([InMemoryVRRPTransport], UInt16) = state.withLock { state in
            guard !state.cut.contains(source) else { return ([], 0) }
            state.frames.append(Frame(source: source, destination: destination, message: message, at: clock()))
            state.identification &+= 1
            let multicast = destination == .v4(VRRPWire.ipv4Group) || destination == .v6(VRRPWire.ipv6Group)
            let receivers = state.transports.values.filter { transport in
                transport !== sender && !transport.isClosed && !state.cut.contains(transport.address)
                    && transport.address.family == source.family && (multicast || transport.address == destination)
            }
            return (receivers.sorted { "\($0.address)" < "\($1.address)" }, state.identification)
        }
        for receiver in receivers {
            let bytes: [UInt8]
            var hopLimit: Int?
            switch (source, destination) {
            case (.v4(let from), .v4(let to)):
                let header = IPv4Header(
                    totalLength: UInt16(truncatingIfNeeded: IPv4Header.minimumLength + message.count), identification: identification,
                    source: from, destination: to)
                bytes = header.encode() + message
            default:
                bytes = message
                hopLimit = Int(VRRPWire.hopLimit)
            }
            receiver.deliver(ReceivedDatagram(bytes: bytes, source: source, destination: destination, interfaceIndex: 1, hopLimit: hopLimit))
        }
    }
}

/// One node's socket on an `InMemoryVRRPWire`.
public final class InMemoryVRRPTransport: VRRPTransport {
    public let address: IPAddress
    private let wire: InMemoryVRRPWire
    private let receiver = Mutex<(loop: any EventLoop, deliver: @Sendable (ReceivedDatagram) -> Void)?>(nil)
    private let closed = Mutex(false)

    init(wire: InMemoryVRRPWire, address: IPAddress) {
        self.wire = wire
        self.address = address
    }

    var isClosed: Bool { closed.withLock { $0 } }

    public func startReceiving(on loop: any EventLoop, _ deliver: @escaping @Sendable (ReceivedDatagram) -> Void) {
        receiver.withLock { $0 = (loop, deliver) }
    }

    public func send(_ message: [UInt8], to destination: IPAddress) throws {
        guard !isClosed else { throw TransportClosed() }
        wire.send(message, from: self, to: destination)
    }

    public func close() { closed.withLock { $0 = true } }

    /// On the receiver's loop: queued behind the sender's work when sent from that loop (so a
    /// shared manual loop delivers at the instant of sending), handed over to it otherwise.
    func deliver(_ datagram: ReceivedDatagram) {
        guard !isClosed, let (loop, deliver) = receiver.withLock({ $0 }) else { return }
        loop.execute { deliver(datagram) }
    }
}

/// Sending on a transport after `close()`.
public struct TransportClosed: Error, Sendable {}
