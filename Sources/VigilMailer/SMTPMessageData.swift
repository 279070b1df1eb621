/// The bytes sent after DATA: the message with every line ending in CRLF, lines starting with "."
/// doubled (RFC 5321 4.5.2) and the terminating ".\r\n".
enum SMTPMessageData {
    static func encode(_ message: String) -> [UInt8] {
        let source = Array(message.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(source.count + source.count / 32 + 8)
        var atLineStart = true
        var index = 0
        while index < source.count {
            let byte = source[index]
            index += 1
            if byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\n") {
                // CRLF, bare LF and bare CR all end a line; a bare CR must not reach the server.
                if byte == UInt8(ascii: "\r"), index < source.count, source[index] == UInt8(ascii: "\n") { index += 1 }
                output.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")])
                atLineStart = true
                continue
            }
            if atLineStart, byte == UInt8(ascii: ".") { output.append(UInt8(ascii: ".")) }
            output.append(byte)
            atLineStart = false
        }
        if !atLineStart { output.append(contentsOf: [UInt8(ascii: "\r"), UInt8(ascii: "\n")]) }
        output.append(contentsOf: [UInt8(ascii: "."), UInt8(ascii: "\r"), UInt8(ascii: "\n")])
        return output
    }

    /// True when the message holds bytes above 127, so 8BITMIME should be declared if offered.
    static func needs8Bit(_ message: String) -> Bool {
        message.utf8.contains { $0 >= 0x80 }
    }
}
