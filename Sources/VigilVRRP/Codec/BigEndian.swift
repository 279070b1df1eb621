import VigilCore

extension IPAddress {
    /// The address as it is written in a packet: 4 or 16 bytes in network order.
    var wireBytes: [UInt8] {
        switch self {
        case .v4(let address): address.octets
        case .v6(let address): address.bytes
        }
    }
}

/// Big-endian (network order) conversions for building and reading packets.
enum BigEndian {
    static func bytes(_ value: UInt16) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    static func bytes(_ value: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
         UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// The 16-bit word at `index`; callers check `index + 1 < bytes.count` first.
    static func uint16(_ bytes: [UInt8], at index: Int) -> UInt16 {
        UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
    }

    /// The 32-bit word at `index`; callers check `index + 3 < bytes.count` first.
    static func uint32(_ bytes: [UInt8], at index: Int) -> UInt32 {
        UInt32(bytes[index]) << 24 | UInt32(bytes[index + 1]) << 16 | UInt32(bytes[index + 2]) << 8
            | UInt32(bytes[index + 3])
    }
}
