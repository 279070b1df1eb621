import VigilCheck

/// One SMTP reply: a three-digit code and its text lines (RFC 5321 §4.2).
struct SMTPReply: Sendable, Hashable {
    let code: Int
    let lines: [String]
}

/// Cuts the bytes a server sends into replies, multi-line ones ("250-...", then "250 ...") included.
/// Anything that is not a reply, or is too long, is `bad_reply`: the bytes come from the network.
struct SMTPReplyReader {
    /// RFC 5321 allows 512 bytes a reply line; real servers stay far below this.
    static let maximumLineBytes = 2048
    static let maximumLinesPerReply = 100

    private var line: [UInt8] = []
    private var pendingCode: Int?
    private var pendingLines: [String] = []

    /// Takes the next bytes and returns the replies they complete.
    mutating func feed(_ bytes: some Sequence<UInt8>) throws(CheckFailure) -> [SMTPReply] {
        var replies: [SMTPReply] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                if let reply = try take(line) { replies.append(reply) }
                line.removeAll(keepingCapacity: true)
            } else {
                guard line.count < Self.maximumLineBytes else {
                    throw CheckFailure(.badReply, "reply line longer than \(Self.maximumLineBytes) bytes")
                }
                line.append(byte)
            }
        }
        return replies
    }

    /// One complete line: continues the pending reply, or ends it.
    private mutating func take(_ line: [UInt8]) throws(CheckFailure) -> SMTPReply? {
        guard line.count >= 3, let code = Self.code(line.prefix(3)) else {
            throw CheckFailure(.badReply, "not an SMTP reply: \(Self.printable(line))")
        }
        if let pendingCode, pendingCode != code {
            throw CheckFailure(.badReply, "reply code changed from \(pendingCode) to \(code) within a reply")
        }
        let separator = line.count > 3 ? line[3] : UInt8(ascii: " ")
        guard separator == UInt8(ascii: " ") || separator == UInt8(ascii: "-") else {
            throw CheckFailure(.badReply, "not an SMTP reply: \(Self.printable(line))")
        }
        pendingLines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        guard pendingLines.count <= Self.maximumLinesPerReply else {
            throw CheckFailure(.badReply, "reply longer than \(Self.maximumLinesPerReply) lines")
        }
        if separator == UInt8(ascii: "-") {
            pendingCode = code
            return nil
        }
        let reply = SMTPReply(code: code, lines: pendingLines)
        pendingCode = nil
        pendingLines = []
        return reply
    }

    /// The code of "2xx" to "5xx"; nil for anything else.
    private static func code(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard digit >= UInt8(ascii: "0"), digit <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return (200...599).contains(value) ? value : nil
    }

    /// A line shortened and stripped of control characters, for the log.
    static func printable(_ line: [UInt8]) -> String {
        String(decoding: line.prefix(80).map { $0 < 0x20 || $0 == 0x7f ? UInt8(ascii: "?") : $0 }, as: UTF8.self)
    }
}
