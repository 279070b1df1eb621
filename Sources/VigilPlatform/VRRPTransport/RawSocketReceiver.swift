#if canImport(Glibc)
import Glibc
#endif
import CLinuxExtras
import VigilCore

/// The receive loop of a `VRRPRawSocket`: poll, drain with recvmsg, hand datagrams on.
enum RawSocketReceiver {
    /// Sleeps until the socket is readable or the state is stopped (its eventfd is written); true
    /// when there is something to read. Without an eventfd it falls back to one-second polls.
    static func waitReadable(_ state: RawSocketState) -> Bool {
        var descriptors = [
            pollfd(fd: state.fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: state.wakeFD, events: Int16(POLLIN), revents: 0),
        ]
        let ready = poll(&descriptors, state.wakeFD >= 0 ? 2 : 1, state.wakeFD >= 0 ? -1 : 1000)
        return ready > 0 && descriptors[0].revents & Int16(POLLIN) != 0
    }

    static func run(_ state: RawSocketState, family: AddressFamily, into sink: AsyncStream<ReceivedDatagram>.Continuation) {
        defer { sink.finish() }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while state.running.load(ordering: .relaxed) {
            guard waitReadable(state) else { continue }
            while let datagram = receiveOne(state.fd, family: family, buffer: &buffer) {
                sink.yield(datagram)
            }
        }
    }

    private static func receiveOne(_ fd: Int32, family: AddressFamily, buffer: inout [UInt8]) -> ReceivedDatagram? {
        var info = vigil_datagram_info()
        let count = buffer.withUnsafeMutableBufferPointer { vigil_receive_datagram(fd, $0.baseAddress, $0.count, &info) }
        guard count >= 0 else { return nil }
        let source = address(info.source, family: family) ?? .v4(IPv4Address(rawValue: 0))
        return ReceivedDatagram(
            bytes: Array(buffer[0..<Int(count)]), source: source,
            destination: address(info.destination, family: family), interfaceIndex: info.interface_index,
            hopLimit: info.hop_limit >= 0 ? Int(info.hop_limit) : nil)
    }

    private static func address(_ raw: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8), family: AddressFamily) -> IPAddress? {
        let bytes = withUnsafeBytes(of: raw) { Array($0) }
        switch family {
        case .ipv4:
            return .v4(IPv4Address(bytes[0], bytes[1], bytes[2], bytes[3]))
        case .ipv6:
            return IPv6Address(bytes: bytes).map { .v6($0) }
        }
    }
}
