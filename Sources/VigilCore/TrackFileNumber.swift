/// The number keepalived reads from a tracked file: strtol(3) with base 0 on the first 127 bytes
/// (leading blanks, a sign, then 0x… hexadecimal, 0… octal or decimal; whatever follows is ignored).
public enum TrackFileNumber {
    /// How many bytes of the file count.
    public static let readLength = 127

    /// The value; 0 when the text has no number; nil when it does not fit a 32-bit int, which
    /// keepalived logs and ignores (the previous value stays).
    public static func parse(_ bytes: some Collection<UInt8>) -> Int? {
        var rest = bytes.prefix(readLength)[...]
        while let first = rest.first, first == 0x20 || (0x09...0x0D).contains(first) { rest.removeFirst() }
        var negative = false
        if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            rest.removeFirst()
        }
        var base = 10
        if rest.first == UInt8(ascii: "0") {
            let afterZero = rest.dropFirst()
            if let x = afterZero.first, x | 0x20 == UInt8(ascii: "x"), let digit = afterZero.dropFirst().first, value(of: digit, base: 16) != nil {
                base = 16
                rest = afterZero.dropFirst()
            } else {
                base = 8
            }
        }
        var magnitude: Int64 = 0
        for byte in rest {
            guard let digit = value(of: byte, base: base) else { break }
            magnitude = magnitude * Int64(base) + Int64(digit)
            // Past any 32-bit value already: strtol's ERANGE, or a long that keepalived rejects.
            if magnitude > Int64(UInt32.max) { return nil }
        }
        let signed = negative ? -magnitude : magnitude
        guard signed >= Int64(Int32.min), signed <= Int64(Int32.max) else { return nil }
        return Int(signed)
    }

    private static func value(of byte: UInt8, base: Int) -> Int? {
        let digit: Int
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
        return digit < base ? digit : nil
    }
}
