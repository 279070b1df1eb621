import VigilCore

/// Byte-level work on one configuration line: comment removal and splitting into tokens.
enum LineScanner {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")

    static func isSpace(_ byte: UInt8) -> Bool { byte == space || byte == tab || byte == 0x0B || byte == 0x0C || byte == 0x0D }

    /// The line up to an unquoted `#` or `!` (keepalived: a comment may start anywhere outside quotes).
    static func stripComment(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var quote: UInt8?
        var index = line.startIndex
        while index < line.endIndex {
            let byte = line[index]
            if let open = quote {
                if byte == backslash {
                    index += 2
                    continue
                }
                if byte == open { quote = nil }
            } else if byte == doubleQuote || byte == singleQuote {
                quote = byte
            } else if byte == UInt8(ascii: "#") || byte == UInt8(ascii: "!") {
                return line[line.startIndex..<index]
            }
            index += 1
        }
        return line
    }

    /// Splits a line into words: whitespace separates, `{` and `}` stand alone, quoted parts join
    /// the word they touch, and escapes inside quotes are decoded as keepalived documents.
    static func tokenize(
        _ line: [UInt8], file: String, line lineNumber: Int, sink: DiagnosticSink
    ) -> [Token] {
        var tokens: [Token] = []
        tokens.reserveCapacity(6)
        var index = 0
        let count = line.count
        while index < count {
            while index < count && isSpace(line[index]) { index += 1 }
            guard index < count else { break }
            let start = index
            let location = SourceLocation(file: file, line: lineNumber, column: start + 1)
            let first = line[index]
            if first == UInt8(ascii: "{") || first == UInt8(ascii: "}") {
                tokens.append(Token(first == UInt8(ascii: "{") ? "{" : "}", at: location))
                index += 1
                continue
            }
            // Plain words (the common case) are decoded straight from the line; quoted ones are assembled.
            var word: [UInt8] = []
            var quoted = false
            var assembling = false
            while index < count {
                let byte = line[index]
                if isSpace(byte) || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") { break }
                // An undefined `${NAME}` stays as written, one word, not a block.
                if byte == UInt8(ascii: "$"), index + 1 < count, line[index + 1] == UInt8(ascii: "{"),
                    let close = line[(index + 2)...].firstIndex(of: UInt8(ascii: "}"))
                {
                    if assembling { word.append(contentsOf: line[index...close]) }
                    index = close + 1
                    continue
                }
                if byte == doubleQuote || byte == singleQuote {
                    if !assembling {
                        word.append(contentsOf: line[start..<index])
                        assembling = true
                    }
                    quoted = true
                    let quoteLocation = SourceLocation(file: file, line: lineNumber, column: index + 1)
                    index = readQuoted(line, from: index + 1, closing: byte, into: &word)
                    if index > count {
                        sink.error(
                            "unterminated quoted string", at: quoteLocation,
                            expected: "a closing \(byte == doubleQuote ? "\"" : "'") on the same line")
                        index = count
                    }
                    continue
                }
                if assembling { word.append(byte) }
                index += 1
            }
            let text = assembling ? String(decoding: word, as: UTF8.self) : String(decoding: line[start..<index], as: UTF8.self)
            tokens.append(Token(text, at: location, quoted: quoted))
        }
        return tokens
    }

    /// Reads up to the closing quote; returns the index after it, or count + 1 when unterminated.
    private static func readQuoted(_ line: [UInt8], from start: Int, closing: UInt8, into word: inout [UInt8]) -> Int {
        var index = start
        let count = line.count
        while index < count {
            let byte = line[index]
            if byte == closing { return index + 1 }
            if byte == backslash && index + 1 < count {
                index = decodeEscape(line, at: index + 1, into: &word)
                continue
            }
            word.append(byte)
            index += 1
        }
        return count + 1
    }

    /// Decodes the escape whose letter is at `index`; returns the index after it.
    private static func decodeEscape(_ line: [UInt8], at index: Int, into word: inout [UInt8]) -> Int {
        let letter = line[index]
        switch letter {
        case UInt8(ascii: "a"): word.append(0x07)
        case UInt8(ascii: "b"): word.append(0x08)
        case UInt8(ascii: "E"): word.append(0x1B)
        case UInt8(ascii: "f"): word.append(0x0C)
        case UInt8(ascii: "n"): word.append(0x0A)
        case UInt8(ascii: "r"): word.append(0x0D)
        case UInt8(ascii: "t"): word.append(0x09)
        case UInt8(ascii: "v"): word.append(0x0B)
        case UInt8(ascii: "c") where index + 1 < line.count:
            word.append(line[index + 1] & 0x1F)
            return index + 2
        case UInt8(ascii: "x"):
            var value: UInt32 = 0
            var next = index + 1
            while next < line.count, let digit = hexValue(line[next]), next - index <= 2 {
                value = value * 16 + UInt32(digit)
                next += 1
            }
            if next == index + 1 { word.append(letter) } else { word.append(UInt8(truncatingIfNeeded: value)) }
            return next
        case UInt8(ascii: "0")...UInt8(ascii: "7"):
            var value: UInt32 = 0
            var next = index
            while next < line.count, next - index < 3, line[next] >= UInt8(ascii: "0"), line[next] <= UInt8(ascii: "7") {
                value = value * 8 + UInt32(line[next] - UInt8(ascii: "0"))
                next += 1
            }
            word.append(UInt8(truncatingIfNeeded: value))
            return next
        default:
            word.append(letter)
        }
        return index + 1
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
