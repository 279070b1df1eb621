import Foundation
import Synchronization
import Testing
import VigilCheck
import VigilConfig
import VigilCore

@testable import VigilCheckers
import VigilTestSupport

/// The outcome a verdict decides, nil for "keep waiting".
func decided(_ verdict: DatagramVerdict) -> CheckOutcome? {
    if case .finish(let outcome) = verdict { return outcome }
    return nil
}

/// The failure reason of an outcome, nil when it passed.
func reason(_ outcome: CheckOutcome?) -> CheckFailureReason? {
    if case .failure(let failure) = outcome { return failure.reason }
    return nil
}

/// Bytes of a DNS message written by hand, field by field.
enum DNSBytes {
    static func header(id: UInt16 = 0x1234, flags: UInt16 = 0x8180, questions: UInt16 = 1, answers: UInt16 = 0) -> [UInt8] {
        [UInt8(id >> 8), UInt8(id & 0xFF), UInt8(flags >> 8), UInt8(flags & 0xFF), 0, UInt8(questions), 0, UInt8(answers), 0, 0, 0, 0]
    }

    /// www.example.test, uncompressed.
    static let name: [UInt8] = [3] + Array("www".utf8) + [7] + Array("example".utf8) + [4] + Array("test".utf8) + [0]

    static func question(_ name: [UInt8] = name, type: UInt16 = 1) -> [UInt8] { name + [0, UInt8(type), 0, 1] }

    /// An answer whose name points back at the question's name (offset 12).
    static func answer(type: UInt16 = 1, data: [UInt8] = [192, 0, 2, 80]) -> [UInt8] {
        [0xC0, 0x0C, 0, UInt8(type), 0, 1, 0, 0, 0x0E, 0x10, 0, UInt8(data.count)] + data
    }

    /// A NOERROR reply with one A answer for www.example.test.
    static let goodReply = header(answers: 1) + question() + answer()
}

@Suite("DNS messages: the query on the wire and replies read safely")
struct DNSMessageTests {
    let query = DNSQuery(id: 0x1234, name: "www.example.test", type: DNSQueryType.a.code)

    @Test("An A query for www.example.test is laid out byte for byte as RFC 1035 says")
    func queryBytes() throws {
        let bytes = try #require(query).bytes
        let expected: [UInt8] = [0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0] + DNSBytes.name + [0, 1, 0, 1]
        #expect(bytes == expected)
    }

    @Test("Query types carry their RR numbers", arguments: [
        (DNSQueryType.a, UInt16(1)), (.ns, 2), (.cname, 5), (.soa, 6), (.mx, 15), (.txt, 16), (.aaaa, 28),
    ])
    func typeCodes(type: DNSQueryType, code: UInt16) throws {
        #expect(type.code == code)
        let bytes = try #require(DNSQuery(id: 1, name: "example.test", type: type.code)).bytes
        #expect(Array(bytes.suffix(4)) == [UInt8(code >> 8), UInt8(code & 0xFF), 0, 1])
    }

    @Test("The root is one zero byte, and a trailing dot changes nothing", arguments: [".", ""])
    func root(name: String) throws {
        let bytes = try #require(DNSQuery(id: 7, name: name, type: DNSQueryType.soa.code)).bytes
        #expect(Array(bytes.dropFirst(12)) == [0, 0, 6, 0, 1])
        #expect(DNSQuery(id: 7, name: "www.example.test.", type: 1)?.bytes == DNSQuery(id: 7, name: "www.example.test", type: 1)?.bytes)
    }

    @Test("Names that cannot go on the wire are refused", arguments: [
        "a..b", ".leading", String(repeating: "x", count: 64) + ".test",
        Array(repeating: String(repeating: "y", count: 60), count: 5).joined(separator: "."),
    ])
    func invalidNames(name: String) {
        #expect(DNSQuery(id: 1, name: name, type: 1) == nil)
    }

    @Test("A 63-byte label and a 253-character name are fine")
    func longestNames() {
        #expect(DNSQuery(id: 1, name: String(repeating: "z", count: 63) + ".test", type: 1) != nil)
        let name = Array(repeating: String(repeating: "n", count: 62), count: 4).joined(separator: ".") + ".t"
        #expect(name.utf8.count == 253)
        #expect(DNSQuery(id: 1, name: name, type: 1) != nil)
    }

    @Test("A hand-made reply with a compressed answer name parses")
    func parseGoodReply() throws {
        let reply = try DNSReply.parse(DNSBytes.goodReply).get()
        #expect(reply.header.id == 0x1234)
        #expect(reply.header.isResponse)
        #expect(reply.header.responseCode == 0)
        #expect(reply.questions == [DNSQuestion(labels: try #require(query).labels, type: 1, recordClass: 1)])
        #expect(reply.answers.map(\.type) == [1])
    }

    @Test("The answer rule of keepalived and the stricter one", arguments: [DNSAnswerRule.noErrorResponse, .answerOfQueriedType])
    func judgeGoodReply(rule: DNSAnswerRule) throws {
        let query = try #require(query)
        #expect(decided(DNSReplyJudge.judge(DNSBytes.goodReply, query: query, rule: rule)) == .success)
    }

    @Test("Not our reply: another id, a query instead of a response, another question, fewer than 12 bytes")
    func ignored() throws {
        let query = try #require(query)
        let otherID = DNSBytes.header(id: 0x4321, answers: 1) + DNSBytes.question() + DNSBytes.answer()
        let notResponse = DNSBytes.header(flags: 0x0100) + DNSBytes.question()
        let otherType = DNSBytes.header(answers: 1) + DNSBytes.question(type: 28) + DNSBytes.answer(type: 28, data: Array(repeating: 0, count: 16))
        let otherName = DNSBytes.header() + DNSBytes.question([4] + Array("mail".utf8) + [0])
        for bytes in [otherID, notResponse, otherType, otherName, Array(DNSBytes.goodReply.prefix(11))] {
            guard case .ignore = DNSReplyJudge.judge(bytes, query: query, rule: .noErrorResponse) else {
                Issue.record("expected to keep waiting for \(bytes)")
                continue
            }
        }
    }

    @Test("Names compare without regard to case")
    func caseInsensitive() throws {
        let query = try #require(DNSQuery(id: 0x1234, name: "WWW.Example.TEST", type: 1))
        #expect(decided(DNSReplyJudge.judge(DNSBytes.goodReply, query: query, rule: .noErrorResponse)) == .success)
    }

    @Test("An RCODE other than NOERROR fails with its name", arguments: [(UInt16(3), "NXDOMAIN"), (2, "SERVFAIL"), (5, "REFUSED")])
    func errorCodes(code: UInt16, name: String) throws {
        let bytes = DNSBytes.header(flags: 0x8180 | code) + DNSBytes.question()
        let outcome = decided(DNSReplyJudge.judge(bytes, query: try #require(query), rule: .noErrorResponse))
        guard case .failure(let failure) = outcome else {
            Issue.record("expected a failure, got \(String(describing: outcome))")
            return
        }
        #expect(failure.reason == .badReply)
        #expect(failure.detail.contains(name))
    }

    @Test("NOERROR without an answer of the type: a pass for keepalived's rule, a failure for the strict one")
    func noData() throws {
        let query = try #require(query)
        let empty = DNSBytes.header() + DNSBytes.question()
        let cnameOnly = DNSBytes.header(answers: 1) + DNSBytes.question() + DNSBytes.answer(type: 5, data: [0xC0, 0x0C])
        for bytes in [empty, cnameOnly] {
            #expect(decided(DNSReplyJudge.judge(bytes, query: query, rule: .noErrorResponse)) == .success)
            #expect(reason(decided(DNSReplyJudge.judge(bytes, query: query, rule: .answerOfQueriedType))) == .badReply)
        }
    }

    @Test("Every truncation of a good reply fails as a bad reply or keeps waiting, never passes")
    func truncations() throws {
        let query = try #require(query)
        let reply = DNSBytes.goodReply
        for length in 0..<reply.count {
            let outcome = decided(DNSReplyJudge.judge(Array(reply.prefix(length)), query: query, rule: .noErrorResponse))
            if length < DNSHeader.length {
                #expect(outcome == nil, "length \(length)")
            } else {
                #expect(reason(outcome) == .badReply, "length \(length)")
            }
        }
    }

    @Test("Compression pointers that loop or point forwards are errors, not hangs")
    func pointerLoops() {
        // A name that is only a pointer to itself.
        let selfLoop = DNSBytes.header() + [0xC0, 0x0C, 0, 1, 0, 1]
        // A label, then a pointer back to that label: each pass would land on the pointer again.
        let labelLoop = DNSBytes.header() + [1, UInt8(ascii: "a"), 0xC0, 0x0C, 0, 1, 0, 1]
        // Two names pointing at each other.
        let mutual = DNSBytes.header(questions: 2) + [0xC0, 0x12, 0, 1, 0, 1, 0xC0, 0x0C, 0, 1, 0, 1]
        // A pointer past the end of the message.
        let forward = DNSBytes.header() + [0xC0, 0xFF, 0, 1, 0, 1]
        for bytes in [selfLoop, labelLoop, mutual, forward] {
            guard case .failure(.badPointer) = DNSReply.parse(bytes) else {
                Issue.record("expected a bad pointer for \(bytes), got \(DNSReply.parse(bytes))")
                continue
            }
        }
    }

    @Test("Reserved label types and over-long names are errors")
    func badLabels() {
        #expect(DNSReply.parse(DNSBytes.header() + [0x41, 0, 0, 1, 0, 1]) == .failure(.badLabelType(0x41)))
        #expect(DNSReply.parse(DNSBytes.header() + [0x80, 0, 0, 1, 0, 1]) == .failure(.badLabelType(0x80)))
        let label: [UInt8] = [63] + Array(repeating: UInt8(ascii: "q"), count: 63)
        let long: [UInt8] = Array(repeating: label, count: 5).flatMap { $0 } + [0, 0, 1, 0, 1]
        #expect(DNSReply.parse(DNSBytes.header() + long) == .failure(.nameTooLong))
    }

    @Test("Random bytes and random corruptions of a good reply never crash the parser or the judge")
    func randomInput() throws {
        let query = try #require(query)
        var generator = SplitMix64(seed: 0x5EED)
        var passes = 0
        for round in 0..<4000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int(generator.next() % 80)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                bytes = DNSBytes.goodReply
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            _ = DNSReply.parse(bytes)
            if decided(DNSReplyJudge.judge(bytes, query: query, rule: .answerOfQueriedType)) == .success { passes += 1 }
        }
        // Corruptions of the TTL or the address leave a valid reply: some must still pass.
        #expect(passes > 0)
    }
}

@Suite(
    "DNS_CHECK against dnsmasq in a namespace", .serialized,
    .enabled(if: SocketProbeLab.isRoot, "NEEDS ROOT: creates network namespaces and runs dnsmasq (CI runs as root)"))
struct DNSProbeTests {
    /// The probe for a DNS_CHECK block aimed at the lab's resolver through connect_ip.
    static func probe(_ body: String, lab: SocketProbeLab, rule: DNSAnswerRule = .noErrorResponse, timeout: Int = 1) throws -> DNSProbe {
        let block = "DNS_CHECK {\nconnect_ip 192.0.2.53\nconnect_timeout \(timeout)\n\(body)\n}"
        let realServer = try SocketProbeConfig.realServer(block)
        guard case .dns(let check) = realServer.checkers.first else { throw SocketLabFailure(description: "not DNS_CHECK") }
        return DNSProbe(endpoint: try SocketProbeConfig.endpoint(realServer), check: check, group: lab.group, rule: rule)
    }

    @Test("Records that exist pass under both rules", .timeLimit(.minutes(1)), arguments: [
        "type A\nname www.example.test", "type MX\nname example.test", "type TXT\nname txt.example.test",
        "type AAAA\nname v6.example.test", "type A\nname WWW.Example.Test",
    ])
    func answered(body: String) async throws {
        try await SocketProbeLab.run { lab in
            try await lab.startResolver()
            for rule in [DNSAnswerRule.noErrorResponse, .answerOfQueriedType] {
                let probe = try Self.probe(body, lab: lab, rule: rule)
                #expect(probe.endpoint.address == SocketProbeLab.resolver)
                #expect(await probe.run() == .success, "\(body) with \(rule)")
            }
        }
    }

    @Test("NXDOMAIN and REFUSED fail as bad replies", .timeLimit(.minutes(1)), arguments: [
        ("name missing.example.test", "NXDOMAIN"), ("name www.other.invalid", "REFUSED"),
    ])
    func errors(body: String, code: String) async throws {
        try await SocketProbeLab.run { lab in
            try await lab.startResolver()
            let outcome = try await Self.probe("type A\n\(body)", lab: lab).run()
            guard case .failure(let failure) = outcome else {
                Issue.record("expected a failure, got \(outcome)")
                return
            }
            #expect(failure.reason == .badReply)
            #expect(failure.detail.contains(code))
        }
    }

    @Test("NOERROR with no AAAA record: keepalived's rule passes, the strict rule fails", .timeLimit(.minutes(1)))
    func noData() async throws {
        try await SocketProbeLab.run { lab in
            try await lab.startResolver()
            #expect(try await Self.probe("type AAAA\nname www.example.test", lab: lab).run() == .success)
            let strict = try await Self.probe("type AAAA\nname www.example.test", lab: lab, rule: .answerOfQueriedType).run()
            #expect(reason(strict) == .badReply)
        }
    }

    @Test("A resolver that is down is refused at once; one that never answers times out", .timeLimit(.minutes(1)))
    func resolverDown() async throws {
        try await SocketProbeLab.run { lab in
            let resolver = try await lab.startResolver()
            #expect(try await Self.probe("type A\nname www.example.test", lab: lab).run() == .success)
            await lab.stop(resolver)
            let down = await SocketProbeLab.timed(try Self.probe("type A\nname www.example.test", lab: lab, timeout: 5))
            #expect(reason(down.outcome) == .refused)
            #expect(down.elapsed < .seconds(2), "the ICMP port unreachable ends the wait")

            let check = try SocketProbeConfig.dnsCheck("type A\nname www.example.test")
            try lab.routeThroughServer()
            let prohibited = DNSProbe(
                endpoint: SocketProbeLab.endpoint(SocketProbeLab.prohibited, port: 53, bindAddress: SocketProbeLab.extraSource(0)), check: check,
                group: lab.group)
            #expect(reason(await prohibited.run()) == .unreachable)
            let silent = DNSProbe(endpoint: SocketProbeLab.endpoint(SocketProbeLab.silent, port: 53), check: check, group: lab.group)
            let waited = await SocketProbeLab.timed(silent)
            #expect(reason(waited.outcome) == .timeout)
            #expect(waited.elapsed >= .milliseconds(950) && waited.elapsed < .seconds(3))
        }
    }

    @Test("The query id comes from the generator and the server's reply carries it", .timeLimit(.minutes(1)))
    func queryIDs() async throws {
        try await SocketProbeLab.run { lab in
            try await lab.startResolver()
            let check = try SocketProbeConfig.dnsCheck("type A\nname www.example.test")
            let counter = IDCounter()
            let probe = DNSProbe(
                endpoint: SocketProbeLab.endpoint(SocketProbeLab.resolver, port: 53), check: check, group: lab.group,
                queryID: { counter.next() })
            for _ in 0..<3 { #expect(await probe.run() == .success) }
            #expect(counter.issued == [0x1000, 0x1001, 0x1002])
        }
    }
}

/// Hands out ids 0x1000, 0x1001, … and remembers them.
final class IDCounter: Sendable {
    private let state = Mutex<[UInt16]>([])
    func next() -> UInt16 {
        state.withLock { issued in
            let id = 0x1000 + UInt16(issued.count)
            issued.append(id)
            return id
        }
    }
    var issued: [UInt16] { state.withLock { $0 } }
}
