/// Why bytes from the server could not be read as an SMTP reply.
enum SMTPReplyParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A line that does not start with a three-digit code and a separator.
    case malformedLine(String)
    /// A continuation line whose code differs from the first line's.
    case inconsistentCodes(first: Int, later: Int)
    /// More bytes than a reply may hold, without the final line.
    case tooLong(limit: Int)

    var description: String {
        switch self {
        case .malformedLine(let line): "malformed reply line \"\(line)\""
        case .inconsistentCodes(let first, let later): "reply mixes codes \(first) and \(later)"
        case .tooLong(let limit): "reply longer than \(limit) bytes"
        }
    }
}

/// Turns the bytes a server sends into complete replies, whatever the chunking; a reply ends at a
/// line whose code is followed by a space or by the line end.
///
/// Lines end with CRLF; a bare LF is accepted because some servers send it. Text is decoded as
/// UTF-8 with invalid bytes replaced and control characters shown as `?`, so a reply is always
/// safe to put in a log line.
struct SMTPReplyParser: Sendable {
    /// Bytes a single reply (all its lines) may take before the parser gives up on the server.
    static let defaultMaximumReplyBytes = 64 * 1024

    private let maximumReplyBytes: Int
    private var buffer: [UInt8] = []
    /// Where the current reply starts in `buffer`; earlier bytes are already consumed.
    private var replyStart = 0
    /// Where the next unexamined line starts.
    private var lineStart = 0
    private var pendingCode: Int?
    private var pendingLines: [String] = []

    init(maximumReplyBytes: Int = SMTPReplyParser.defaultMaximumReplyBytes) {
        self.maximumReplyBytes = max(maximumReplyBytes, 4)
    }

    /// True when bytes have arrived that are not part of a reply returned yet.
    var hasUnconsumedBytes: Bool { replyStart < buffer.count }

    mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete reply, or nil when more bytes are needed.
    mutating func nextReply() throws(SMTPReplyParseError) -> SMTPReply? {
        while let newline = firstNewline(from: lineStart) {
            var lineEnd = newline
            if lineEnd > lineStart, buffer[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            let line = buffer[lineStart..<lineEnd]
            lineStart = newline + 1
            let (code, isLast, text) = try Self.parseLine(line)
            if let first = pendingCode, first != code {
                throw .inconsistentCodes(first: first, later: code)
            }
            pendingCode = code
            pendingLines.append(text)
            if isLast {
                let reply = SMTPReply(code: code, lines: pendingLines)
                pendingCode = nil
                pendingLines = []
                replyStart = lineStart
                compact()
                return reply
            }
            try checkLength(upTo: lineStart)
        }
        try checkLength(upTo: buffer.count)
        return nil
    }

    private func firstNewline(from index: Int) -> Int? {
        var position = index
        while position < buffer.count {
            if buffer[position] == UInt8(ascii: "\n") { return position }
            position += 1
        }
        return nil
    }

    private func checkLength(upTo end: Int) throws(SMTPReplyParseError) {
        if end - replyStart > maximumReplyBytes { throw .tooLong(limit: maximumReplyBytes) }
    }

    /// Drops consumed bytes once they dominate, so a long session does not grow the buffer.
    private mutating func compact() {
        guard replyStart > 0, replyStart * 2 >= buffer.count else { return }
        buffer.removeFirst(replyStart)
        lineStart -= replyStart
        replyStart = 0
    }

    private static func parseLine(_ line: ArraySlice<UInt8>) throws(SMTPReplyParseError) -> (Int, Bool, String) {
        let bytes = Array(line)
        guard bytes.count >= 3 else { throw .malformedLine(printable(bytes)) }
        var code = 0
        for (offset, byte) in bytes.prefix(3).enumerated() {
            let range: ClosedRange<UInt8> = offset == 0 ? UInt8(ascii: "2")...UInt8(ascii: "5") : UInt8(ascii: "0")...UInt8(ascii: "9")
            guard range.contains(byte) else { throw .malformedLine(printable(bytes)) }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
        }
        if bytes.count == 3 { return (code, true, "") }
        switch bytes[3] {
        case UInt8(ascii: " "): return (code, true, printable(bytes.dropFirst(4)))
        case UInt8(ascii: "-"): return (code, false, printable(bytes.dropFirst(4)))
        default: throw .malformedLine(printable(bytes))
        }
    }

    /// Server text made safe for a log line: bounded, valid UTF-8, no control characters.
    static func printable<Bytes: Collection>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        let limit = 512
        let text = String(decoding: bytes.prefix(limit), as: UTF8.self)
        let cleaned = String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar.value < 0x20 || scalar.value == 0x7F ? "?" : scalar
        }))
        return bytes.count > limit ? cleaned + "..." : cleaned
    }
}
