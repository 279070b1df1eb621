import VigilCore

/// The RFC 1071 ones' complement sum used by the IPv4 header and the VRRP checksum.
enum InternetChecksum {
    /// Adds `bytes` as big-endian 16-bit words (an odd last byte is padded with zero).
    /// A 64-bit accumulator cannot overflow for any array that fits in memory.
    static func add(_ bytes: [UInt8], to sum: inout UInt64) {
        var index = 0
        while index + 1 < bytes.count {
            sum &+= UInt64(bytes[index]) << 8 | UInt64(bytes[index + 1])
            index += 2
        }
        if index < bytes.count {
            sum &+= UInt64(bytes[index]) << 8
        }
    }

    /// Folds the carries back in until 16 bits remain.
    static func fold(_ sum: UInt64) -> UInt16 {
        var value = sum
        while value > 0xFFFF {
            value = (value & 0xFFFF) &+ (value >> 16)
        }
        return UInt16(truncatingIfNeeded: value)
    }

    /// The value to store in a zeroed checksum field.
    static func checksum(_ sum: UInt64) -> UInt16 {
        ~fold(sum)
    }

    /// A message with its checksum in place sums to all ones.
    static func verifies(_ sum: UInt64) -> Bool {
        fold(sum) == 0xFFFF
    }

    /// The RFC 5798 §5.2.8 pseudo-header: the IPv4 (RFC 768) or IPv6 (RFC 8200 §8.1) layout.
    static func addPseudoHeader(
        source: IPAddress, destination: IPAddress, family: AddressFamily, length: Int, to sum: inout UInt64
    ) {
        add(source.wireBytes, to: &sum)
        add(destination.wireBytes, to: &sum)
        let length = UInt32(truncatingIfNeeded: length)
        switch family {
        case .ipv4:
            add([0, VRRPWire.protocolNumber], to: &sum)
            add(BigEndian.bytes(UInt16(truncatingIfNeeded: length)), to: &sum)
        case .ipv6:
            add(BigEndian.bytes(length), to: &sum)
            add([0, 0, 0, VRRPWire.protocolNumber], to: &sum)
        }
    }
}
