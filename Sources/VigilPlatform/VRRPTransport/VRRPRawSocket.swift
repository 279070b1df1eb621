#if canImport(Glibc)
import Glibc
#endif
import CLinuxExtras
import Dispatch
import Synchronization
import VigilCore

/// One datagram of IP protocol 112 as the socket received it.
public struct ReceivedDatagram: Sendable, Hashable {
    /// IPv4: the whole packet, IP header included (raw IPv4 sockets keep it, so the TTL is in byte 8).
    /// IPv6: the VRRP message only; the hop limit comes from ancillary data.
    public let bytes: [UInt8]
    public let source: IPAddress
    public let destination: IPAddress?
    public let interfaceIndex: Int32
    /// IPv6 hop limit; nil for IPv4 (read it from the header).
    public let hopLimit: Int?

    public init(bytes: [UInt8], source: IPAddress, destination: IPAddress?, interfaceIndex: Int32, hopLimit: Int?) {
        self.bytes = bytes
        self.source = source
        self.destination = destination
        self.interfaceIndex = interfaceIndex
        self.hopLimit = hopLimit
    }
}

/// Why the socket could not be set up or used, with the call that failed and errno's text.
public struct VRRPSocketError: Error, Sendable, CustomStringConvertible {
    public let description: String

    static func errno(_ call: String) -> VRRPSocketError {
        VRRPSocketError(description: "\(call): \(String(cString: strerror(Glibc.errno)))")
    }
}

/// The descriptor and the receive loop's switch; the descriptors close when the last user lets go.
final class RawSocketState: Sendable {
    let fd: Int32
    /// An eventfd the receive loop polls beside `fd`, so it sleeps until there is work or a stop.
    let wakeFD: Int32
    let running = Atomic<Bool>(true)

    init(fd: Int32) {
        self.fd = fd
        wakeFD = vigil_wake_fd()
    }

    /// Ends the receive loop at once.
    func stop() {
        running.store(false, ordering: .relaxed)
        if wakeFD >= 0 { vigil_wake(wakeFD) }
    }

    deinit {
        Glibc.close(fd)
        if wakeFD >= 0 { Glibc.close(wakeFD) }
    }
}

/// A raw IP protocol 112 socket on one interface: multicast group joined, TTL/hop limit 255,
/// TOS/traffic class 0xc0 (network control), no loopback of our own adverts.
///
/// Receiving runs on a thread of its own (recvmsg after poll), so a flood of packets can never
/// hold up the engine that sends adverts; the engine reads `datagrams`, which keeps the newest
/// 1,024 when the engine falls behind. The thread sleeps in poll until a packet or a stop comes. Read it from one long-lived task: cancelling a task that
/// waits on an AsyncStream ends the stream for good.
public final class VRRPRawSocket: Sendable {
    public static let protocolNumber: Int32 = 112
    public static let ipv4Group = IPAddress.v4(IPv4Address(224, 0, 0, 18))
    public static let ipv6Group: IPAddress = IPv6Address("ff02::12").map { .v6($0) } ?? .v4(IPv4Address(224, 0, 0, 18))

    public let family: AddressFamily
    public let interface: String
    public let interfaceIndex: Int32
    private let state: RawSocketState
    public let datagrams: AsyncStream<ReceivedDatagram>

    /// The group adverts go to for this socket's family.
    public var group: IPAddress { family == .ipv4 ? Self.ipv4Group : Self.ipv6Group }

    /// Opens the socket (inside `namespace` when given) and joins the VRRP group on `interface`.
    /// `source` binds the sending address (unicast_src_ip, or the IPv6 link-local address).
    public init(family: AddressFamily, interface: String, source: IPAddress? = nil, namespace: String? = nil) throws {
        self.family = family
        self.interface = interface
        let (fd, index) = try NetworkNamespace.perform(in: namespace) { () throws -> (Int32, Int32) in
            let index = Int32(bitPattern: if_nametoindex(interface))
            guard index > 0 else { throw VRRPSocketError(description: "interface \(interface) does not exist") }
            let domain = family == .ipv4 ? AF_INET : AF_INET6
            let fd = socket(domain, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), Self.protocolNumber)
            guard fd >= 0 else { throw VRRPSocketError.errno("socket(raw, 112)") }
            do {
                try RawSocketOptions.configure(fd, family: family, interface: interface, index: index, source: source)
            } catch {
                Glibc.close(fd)
                throw error
            }
            return (fd, index)
        }
        interfaceIndex = index
        let state = RawSocketState(fd: fd)
        self.state = state
        let (stream, continuation) = AsyncStream.makeStream(of: ReceivedDatagram.self, bufferingPolicy: .bufferingNewest(1024))
        datagrams = stream
        DispatchQueue(label: "vigil.vrrp.receive.\(interface)").async {
            RawSocketReceiver.run(state, family: family, into: continuation)
        }
    }

    deinit { state.stop() }

    /// Sends one VRRP message to `destination` (the group, or a unicast peer).
    public func send(_ message: [UInt8], to destination: IPAddress) throws {
        let fd = state.fd
        let index = interfaceIndex
        let sent: Int = message.withUnsafeBytes { bytes in
            switch destination {
            case .v4(let address):
                var target = sockaddr_in()
                target.sin_family = sa_family_t(AF_INET)
                target.sin_addr.s_addr = address.rawValue.bigEndian
                return withUnsafePointer(to: &target) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            case .v6(let address):
                var target = sockaddr_in6()
                target.sin6_family = sa_family_t(AF_INET6)
                withUnsafeMutableBytes(of: &target.sin6_addr) { $0.copyBytes(from: address.bytes) }
                target.sin6_scope_id = UInt32(bitPattern: index)
                return withUnsafePointer(to: &target) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        Glibc.sendto(fd, bytes.baseAddress, bytes.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                    }
                }
            }
        }
        guard sent == message.count else { throw VRRPSocketError.errno("sendto \(destination) on \(interface)") }
    }

    /// Stops the receiving thread; `datagrams` finishes.
    public func close() {
        state.stop()
    }
}
