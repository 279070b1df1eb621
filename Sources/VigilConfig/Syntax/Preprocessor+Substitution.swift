import VigilCore

/// Definitions and their substitution: `$NAME=value`, `$NAME`, `${NAME}` and the built-ins.
extension Preprocessor {
    // MARK: Definitions and substitution

    /// `$NAME=value` with only whitespace before the `$`; returns the name and the raw value.
    static func definition(in text: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        guard let dollar = text.firstIndex(where: { !LineScanner.isSpace($0) }), text[dollar] == UInt8(ascii: "$") else { return nil }
        var index = dollar + 1
        guard index < text.endIndex, isNameStart(text[index]) else { return nil }
        while index < text.endIndex && isNameByte(text[index]) { index += 1 }
        guard index < text.endIndex, text[index] == UInt8(ascii: "=") else { return nil }
        let name = String(decoding: text[(dollar + 1)..<index], as: UTF8.self)
        return (name, text[(index + 1)...])
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard let first = bytes.firstIndex(where: { !LineScanner.isSpace($0) }),
            let last = bytes.lastIndex(where: { !LineScanner.isSpace($0) })
        else { return [] }
        return Array(bytes[first...last])
    }

    /// The lines of a multiline definition as one value separated by newlines.
    static func joinLines(_ lines: [String]) -> [UInt8] {
        Array(lines.joined(separator: "\n").utf8)
    }

    /// Removes a trailing backslash (and the spaces around it); true when there was one.
    static func dropContinuation(_ text: inout ArraySlice<UInt8>) -> Bool {
        while let last = text.last, LineScanner.isSpace(last) { text = text.dropLast() }
        guard text.last == LineScanner.backslash else { return false }
        text = text.dropLast()
        while let last = text.last, LineScanner.isSpace(last) { text = text.dropLast() }
        return true
    }

    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == UInt8(ascii: "_")
    }

    static func isNameByte(_ byte: UInt8) -> Bool { isNameStart(byte) || (byte >= 48 && byte <= 57) }

    /// One pass replacing `$NAME ` and `${NAME}`; nil when nothing was replaced. A multiline value
    /// splits the result into several lines.
    mutating func substitute(_ line: [UInt8], location: SourceLocation) -> [[UInt8]]? {
        guard line.contains(UInt8(ascii: "$")) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(line.count)
        var changed = false
        var index = 0
        while index < line.count {
            let byte = line[index]
            guard byte == UInt8(ascii: "$"), index + 1 < line.count else {
                output.append(byte)
                index += 1
                continue
            }
            if line[index + 1] == UInt8(ascii: "{"), let close = line[(index + 2)...].firstIndex(of: UInt8(ascii: "}")) {
                let body = String(decoding: line[(index + 2)..<close], as: UTF8.self)
                if let value = lookup(body, location: location) {
                    output.append(contentsOf: value)
                    changed = true
                    index = close + 1
                    continue
                }
            } else if Self.isNameStart(line[index + 1]) {
                var end = index + 1
                while end < line.count && Self.isNameByte(line[end]) { end += 1 }
                if end == line.count || LineScanner.isSpace(line[end]) {
                    let name = String(decoding: line[(index + 1)..<end], as: UTF8.self)
                    if let value = lookup(name, location: location) {
                        output.append(contentsOf: value)
                        changed = true
                        index = end
                        continue
                    }
                }
            }
            output.append(byte)
            index += 1
        }
        guard changed else { return nil }
        guard output.contains(0x0A) else { return [output] }
        return output.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    }

    /// The value of a parameter or a built-in (`_PWD`, `_INSTANCE`, `_HASH`, `_BANG`, `_RANDOM [MIN [MAX]]`).
    mutating func lookup(_ body: String, location: SourceLocation) -> [UInt8]? {
        if let value = definitions[body] { return value }
        return builtin(body, location: location).map { Array($0.utf8) }
    }

    mutating func builtin(_ body: String, location: SourceLocation) -> String? {
        let words = body.split(separator: " ", omittingEmptySubsequences: true)
        switch words.first {
        case "_PWD": return Path.directory(of: location.file)
        case "_INSTANCE": return configId
        case "_HASH": return "#"
        case "_BANG": return "!"
        case "_RANDOM":
            let minimum = words.count > 1 ? Int(words[1]) ?? 0 : 0
            let maximum = words.count > 2 ? Int(words[2]) ?? 32_767 : 32_767
            guard minimum <= maximum else { return String(minimum) }
            // xorshift: deterministic within a run is fine, the value only has to be in range.
            randomState ^= randomState << 13
            randomState ^= randomState >> 7
            randomState ^= randomState << 17
            return String(Self.value(in: minimum...maximum, from: randomState))
        default: return nil
        }
    }

    /// `bits` brought into `range` with wrapping arithmetic on the width of the range, which always
    /// fits in a UInt64: `${_RANDOM 0 9223372036854775807}` and the full Int range cannot trap.
    static func value(in range: ClosedRange<Int>, from bits: UInt64) -> Int {
        let width = UInt64(bitPattern: Int64(range.upperBound) &- Int64(range.lowerBound))
        let offset = width == .max ? bits : bits % (width + 1)
        return range.lowerBound &+ Int(truncatingIfNeeded: offset)
    }
}
