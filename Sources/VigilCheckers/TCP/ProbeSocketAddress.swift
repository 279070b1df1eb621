import NIOCore
import VigilCore

extension IPAddress {
    /// NIO's socket address for this address and `port`, built from the address bytes (no text parsing).
    func socketAddress(port: Int) throws -> SocketAddress {
        switch self {
        case .v4(let address):
            return try SocketAddress(packedIPAddress: ByteBuffer(bytes: address.octets), port: port)
        case .v6(let address):
            return try SocketAddress(packedIPAddress: ByteBuffer(bytes: address.bytes), port: port)
        }
    }

    /// The unspecified address of the same family, for binding only a source port.
    var unspecifiedOfSameFamily: IPAddress {
        switch self {
        case .v4: .v4(IPv4Address(rawValue: 0))
        case .v6: .v6(IPv6Address(high: 0, low: 0))
        }
    }
}
