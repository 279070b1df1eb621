#if canImport(Glibc)
import Glibc
#endif
import CLinuxExtras
import VigilCore

/// The receive loop of a `VRRPRawSocket`: poll, drain with recvmsg, hand datagrams on.
enum RawSocketReceiver {
    /// Polls in one-second slices: a closed socket's thread ends within a second (the daemon does not
    /// wait for it), and an idle daemon wakes up rarely.
    static let pollMilliseconds: Int32 = 1000

    static func run(_ state: RawSocketState, family: AddressFamily, into sink: AsyncStream<ReceivedDatagram>.Continuation) {
        defer { sink.finish() }
        var buffer = [UInt8](repeating: 0, count: 65536)
        while state.running.load(ordering: .relaxed) {
            var descriptor = pollfd(fd: state.fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, pollMilliseconds)
            if ready < 0 && errno != EINTR { return }
            guard ready > 0 else { continue }
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
