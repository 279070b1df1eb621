/// A cursor over a message that never reads past its end.
struct DNSReader {
    let bytes: [UInt8]
    var position: Int

    mutating func word(in part: String) throws(DNSParseError) -> UInt16 {
        guard position + 2 <= bytes.count else { throw .truncated(part) }
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    mutating func skip(_ count: Int, in part: String) throws(DNSParseError) {
        guard count >= 0, position + count <= bytes.count else { throw .truncated(part) }
        position += count
    }

    /// Reads a possibly compressed name and leaves the cursor after it. Each pointer must point
    /// before the place the previous jump landed (RFC 1035 §4.1.4: a pointer refers to a prior
    /// occurrence), so the targets only go down and following them always ends.
    mutating func name() throws(DNSParseError) -> [[UInt8]] {
        var labels: [[UInt8]] = []
        var length = 1
        var cursor = position
        var resumeAt: Int?
        var floor = position
        while true {
            guard cursor < bytes.count else { throw .truncated("name") }
            let byte = bytes[cursor]
            switch byte & 0xC0 {
            case 0x00:
                if byte == 0 {
                    position = resumeAt ?? cursor + 1
                    return labels
                }
                let count = Int(byte)
                guard cursor + 1 + count <= bytes.count else { throw .truncated("name") }
                length += count + 1
                guard length <= 255 else { throw .nameTooLong }
                labels.append(DNSName.lowercased(Array(bytes[(cursor + 1)..<(cursor + 1 + count)])))
                cursor += 1 + count
            case 0xC0:
                guard cursor + 1 < bytes.count else { throw .truncated("name") }
                let target = Int(byte & 0x3F) << 8 | Int(bytes[cursor + 1])
                guard target < floor else { throw .badPointer(target) }
                if resumeAt == nil { resumeAt = cursor + 2 }
                floor = target
                cursor = target
            default:
                throw .badLabelType(byte)
            }
        }
    }
}
