import VigilConfig

/// The DNS query DNS_CHECK sends: one question of class IN, recursion desired (RFC 1035 §4.1).
struct DNSQuery: Sendable, Hashable {
    let id: UInt16
    /// The question's name as lower-cased labels; empty for the root.
    let labels: [[UInt8]]
    let type: UInt16

    static let classIN: UInt16 = 1

    /// nil when `name` cannot be written on the wire: an empty label ("a..b"), a label over 63
    /// bytes, or more than 255 bytes in all. "." and "" are the root; a trailing dot is optional.
    init?(id: UInt16, name: String, type: UInt16) {
        var text = Array(name.utf8)
        if text.last == UInt8(ascii: ".") { text.removeLast() }
        var labels: [[UInt8]] = []
        if !text.isEmpty {
            for label in text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
                guard (1...63).contains(label.count) else { return nil }
                labels.append(DNSName.lowercased(Array(label)))
            }
        }
        guard labels.reduce(1, { $0 + $1.count + 1 }) <= 255 else { return nil }
        self.id = id
        self.labels = labels
        self.type = type
    }

    /// The message: header, then the question.
    var bytes: [UInt8] {
        var message: [UInt8] = []
        message.reserveCapacity(17 + labels.reduce(0) { $0 + $1.count + 1 })
        append16(id, to: &message)
        append16(0x0100, to: &message)  // a standard query with RD set
        append16(1, to: &message)  // QDCOUNT
        append16(0, to: &message)  // ANCOUNT
        append16(0, to: &message)  // NSCOUNT
        append16(0, to: &message)  // ARCOUNT
        for label in labels {
            message.append(UInt8(label.count))
            message.append(contentsOf: label)
        }
        message.append(0)
        append16(type, to: &message)
        append16(Self.classIN, to: &message)
        return message
    }

    private func append16(_ value: UInt16, to bytes: inout [UInt8]) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }
}

extension DNSQueryType {
    /// The RR type number (RFC 1035, RFC 3596 for AAAA).
    var code: UInt16 {
        switch self {
        case .a: 1
        case .ns: 2
        case .cname: 5
        case .soa: 6
        case .mx: 15
        case .txt: 16
        case .aaaa: 28
        }
    }
}

/// The fixed 12 bytes at the start of every DNS message.
struct DNSHeader: Sendable, Hashable {
    let id: UInt16
    let flags: UInt16
    let questionCount: Int
    let answerCount: Int
    let authorityCount: Int
    let additionalCount: Int

    static let length = 12

    var isResponse: Bool { flags & 0x8000 != 0 }
    var isTruncated: Bool { flags & 0x0200 != 0 }
    /// RCODE: 0 NOERROR, 1 FORMERR, 2 SERVFAIL, 3 NXDOMAIN, 4 NOTIMP, 5 REFUSED.
    var responseCode: Int { Int(flags & 0x000F) }

    /// nil when fewer than 12 bytes came.
    init?(_ bytes: [UInt8]) {
        guard bytes.count >= Self.length else { return nil }
        func word(_ at: Int) -> UInt16 { UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1]) }
        id = word(0)
        flags = word(2)
        questionCount = Int(word(4))
        answerCount = Int(word(6))
        authorityCount = Int(word(8))
        additionalCount = Int(word(10))
    }
}

/// One question of a reply.
struct DNSQuestion: Sendable, Hashable {
    /// Lower-cased labels.
    let labels: [[UInt8]]
    let type: UInt16
    let recordClass: UInt16
}

/// A parsed reply: the header, the questions, and the type and class of each answer record.
struct DNSReply: Sendable, Hashable {
    let header: DNSHeader
    let questions: [DNSQuestion]
    let answers: [(type: UInt16, recordClass: UInt16)]

    static func == (lhs: DNSReply, rhs: DNSReply) -> Bool {
        lhs.header == rhs.header && lhs.questions == rhs.questions
            && lhs.answers.map(\.type) == rhs.answers.map(\.type)
            && lhs.answers.map(\.recordClass) == rhs.answers.map(\.recordClass)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(header)
        hasher.combine(questions)
        hasher.combine(answers.map(\.type))
    }

    /// Reads the header, the question section and the answer section; authority and additional
    /// records are not needed and not read. Every read is bounds-checked: any byte string gives a
    /// reply or an error, never a crash or a loop.
    static func parse(_ bytes: [UInt8]) -> Result<DNSReply, DNSParseError> {
        guard let header = DNSHeader(bytes) else { return .failure(.shorterThanHeader(bytes.count)) }
        var reader = DNSReader(bytes: bytes, position: DNSHeader.length)
        do {
            var questions: [DNSQuestion] = []
            for _ in 0..<header.questionCount {
                let labels = try reader.name()
                let type = try reader.word(in: "question")
                let recordClass = try reader.word(in: "question")
                questions.append(DNSQuestion(labels: labels, type: type, recordClass: recordClass))
            }
            var answers: [(type: UInt16, recordClass: UInt16)] = []
            for _ in 0..<header.answerCount {
                _ = try reader.name()
                let type = try reader.word(in: "answer")
                let recordClass = try reader.word(in: "answer")
                try reader.skip(4, in: "answer")  // TTL
                let length = Int(try reader.word(in: "answer"))
                try reader.skip(length, in: "answer data")
                answers.append((type, recordClass))
            }
            return .success(DNSReply(header: header, questions: questions, answers: answers))
        } catch {
            return .failure(error)
        }
    }
}

/// Why a reply could not be read.
enum DNSParseError: Error, Hashable, CustomStringConvertible {
    case shorterThanHeader(Int)
    /// The message ended inside the named part.
    case truncated(String)
    /// A label type other than a plain label or a pointer (0x40, 0x80).
    case badLabelType(UInt8)
    /// A compression pointer that does not point backwards, or too many pointers.
    case badPointer(Int)
    case nameTooLong

    var description: String {
        switch self {
        case .shorterThanHeader(let count): "only \(count) bytes, shorter than a DNS header"
        case .truncated(let part): "the message ends inside the \(part)"
        case .badLabelType(let byte): "label type 0x\(String(byte, radix: 16)) is not valid"
        case .badPointer(let offset): "name compression pointer to \(offset) does not point backwards"
        case .nameTooLong: "a name longer than 255 bytes"
        }
    }
}

/// Name comparison in DNS is ASCII case-insensitive (RFC 4343).
enum DNSName {
    static func lowercased(_ label: [UInt8]) -> [UInt8] {
        label.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }
    }
}
