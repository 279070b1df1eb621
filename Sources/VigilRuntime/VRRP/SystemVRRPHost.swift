#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Synchronization
import VigilCore
import VigilPlatform

extension VRRPHost {
    /// The real machine: raw protocol-112 sockets, rtnetlink addresses and links, AF_PACKET and
    /// ICMPv6 announcements. One of the few runtime files that call the C library (an adapter).
    static func system(addresses: any VirtualAddressManaging) -> VRRPHost {
        VRRPHost(
            openTransport: { family, interface, source in
                RawSocketTransport(try VRRPRawSocket(family: family, interface: interface, source: family == .ipv6 ? source : nil))
            },
            makeAnnouncer: { interface in try AddressAnnouncer(interface: interface) },
            addresses: addresses, links: SystemLinks())
    }
}

extension AddressAnnouncer: AddressAnnouncing {}

/// A raw VRRP socket as a transport: its receive thread's stream, handed over one datagram at a time.
final class RawSocketTransport: VRRPTransport {
    let socket: VRRPRawSocket
    private let receiver = Mutex<Task<Void, Never>?>(nil)

    init(_ socket: VRRPRawSocket) { self.socket = socket }

    func startReceiving(on loop: any EventLoop, _ deliver: @escaping @Sendable (ReceivedDatagram) -> Void) {
        let socket = socket
        receiver.withLock { receiver in
            guard receiver == nil else { return }
            receiver = Task {
                // One datagram on the loop at a time; the socket's stream (1,024, newest kept) absorbs a flood.
                for await datagram in socket.datagrams { try? await loop.submit { deliver(datagram) }.get() }
            }
        }
    }

    func send(_ message: [UInt8], to destination: IPAddress) throws { try socket.send(message, to: destination) }

    func close() {
        receiver.withLock { $0?.cancel() }
        socket.close()
    }
}

/// Link changes from rtnetlink, by interface name.
struct SystemLinks: LinkWatching {
    func isRunning(_ interface: String) -> Bool? { LinkMonitor.isRunning(interface) }

    func watch(_ changed: @escaping @Sendable (String, Bool) -> Void) throws -> @Sendable () -> Void {
        let monitor = try LinkMonitor()
        let task = Task {
            for await change in monitor.changes {
                guard let name = Self.name(ofInterface: change.interfaceIndex) else { continue }
                changed(name, change.isUp)
            }
            monitor.close()
        }
        return {
            task.cancel()
            monitor.close()
        }
    }

    static func name(ofInterface index: Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        guard if_indextoname(UInt32(bitPattern: index), &buffer) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
