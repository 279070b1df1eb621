/// The attributes of one netlink attribute block (type, length, value; 4-byte aligned), read from
/// bytes that may be anything: every accessor checks the length and answers nil when it is wrong.
package struct NetlinkAttributes: Sendable {
    /// The payload of each attribute type; a type that appears twice keeps its last value, as the kernel does.
    private var payloads: [UInt16: ArraySlice<UInt8>] = [:]
    /// True when the block ended in the middle of an attribute (the rest was ignored).
    package private(set) var truncated = false

    package init<Bytes: Collection<UInt8>>(_ bytes: Bytes) {
        let bytes = Array(bytes)
        var offset = 0
        while bytes.count - offset >= 4 {
            let length = Int(Self.native16(bytes, at: offset))
            // The two top bits of the type are flags (nested, network byte order).
            let type = Self.native16(bytes, at: offset + 2) & 0x3FFF
            guard length >= 4, length <= bytes.count - offset else {
                truncated = true
                return
            }
            payloads[type] = bytes[(offset + 4)..<(offset + length)]
            offset += (length + 3) & ~3
        }
        if offset < bytes.count { truncated = true }
    }

    package var isEmpty: Bool { payloads.isEmpty }

    package subscript(type: UInt16) -> ArraySlice<UInt8>? { payloads[type] }

    /// A nested block.
    package func nested(_ type: UInt16) -> NetlinkAttributes? { payloads[type].map { NetlinkAttributes($0) } }

    /// A 16-bit value in host byte order (the kernel's nla_put_u16).
    package func uint16(_ type: UInt16) -> UInt16? {
        guard let bytes = payloads[type], bytes.count >= 2 else { return nil }
        return Self.native16(Array(bytes), at: 0)
    }

    /// A 16-bit value in network byte order (ports).
    package func bigEndianUInt16(_ type: UInt16) -> UInt16? {
        guard let bytes = payloads[type], bytes.count >= 2 else { return nil }
        return UInt16(bytes[bytes.startIndex]) << 8 | UInt16(bytes[bytes.startIndex + 1])
    }

    /// A 32-bit value in host byte order.
    package func uint32(_ type: UInt16) -> UInt32? {
        guard let bytes = payloads[type], bytes.count >= 4 else { return nil }
        return Array(bytes.prefix(4)).withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }
    }

    /// A counter the kernel sends as 32 or 64 bits in host byte order.
    package func counter(_ type: UInt16) -> UInt64? {
        guard let bytes = payloads[type] else { return nil }
        switch bytes.count {
        case 8...: return Array(bytes.prefix(8)).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        case 4...: return uint32(type).map(UInt64.init)
        default: return nil
        }
    }

    /// A NUL-terminated string (or one that fills the attribute); nil when it is not UTF-8.
    package func string(_ type: UInt16) -> String? {
        guard let bytes = payloads[type] else { return nil }
        let text = bytes.prefix { $0 != 0 }
        return String(validating: text, as: UTF8.self)
    }

    private static func native16(_ bytes: [UInt8], at offset: Int) -> UInt16 {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt16.self) }
    }
}
