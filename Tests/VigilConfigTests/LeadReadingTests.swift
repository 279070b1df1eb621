import Testing
@testable import VigilConfig
import VigilCore

@Suite("BlockReader and value parsing")
struct LeadReadingTests {
    private func reader(_ text: String, sink: DiagnosticSink) -> BlockReader {
        let statements = tree("b {\n" + text + "\n}\n").statements
        return BlockReader(block: statements[0], context: "block b", sink: sink)
    }

    @Test("typed accessors read values with their locations")
    func typed() {
        let sink = DiagnosticSink()
        var r = reader("count 42\nwait 0.25\nflag\nnoflag off\nname x\naddr 2001:db8::1", sink: sink)
        #expect(r.integer("count", in: 1...100, default: 1) == Located(42, at: SourceLocation(file: "/etc/k/main.conf", line: 2, column: 7)))
        #expect(r.seconds("wait", in: 0...10)?.value == Seconds(0.25))
        #expect(r.flag("flag").value == true)
        #expect(r.flag("noflag", default: true).value == false)
        #expect(r.flag("absent").isExplicit == false)
        #expect(r.string("name")?.value == "x")
        #expect(r.address("addr")?.value == IPAddress("2001:db8::1"))
        r.finish()
        #expect(sink.diagnostics.isEmpty)
    }

    @Test("a value out of range is an error at the value with the expected range")
    func range() {
        let sink = DiagnosticSink()
        var r = reader("priority 300", sink: sink)
        #expect(r.integer("priority", in: 1...255, default: 100).value == 100)
        let error = sink.diagnostics.errors.first
        #expect(error?.message == "priority 300 is out of range")
        #expect(error?.expected == "an integer from 1 to 255")
        #expect(error?.location.line == 2)
        #expect(error?.location.column == 10)
    }

    @Test("a missing value, a block where a value belongs, and extra arguments are reported")
    func shapes() {
        let sink = DiagnosticSink()
        var r = reader("a\nb { }\nc 1 2", sink: sink)
        _ = r.integer("a", in: 0...9)
        _ = r.integer("b", in: 0...9)
        _ = r.integer("c", in: 0...9)
        #expect(sink.diagnostics.all.map(\.message) == ["'a' needs a value", "'b' takes a value, not a block", "'c' takes one value; extra '2' ignored"])
    }

    @Test("a repeated keyword warns and the last one wins")
    func repeated() {
        let sink = DiagnosticSink()
        var r = reader("priority 10\npriority 20", sink: sink)
        #expect(r.integer("priority", in: 1...255)?.value == 20)
        #expect(sink.diagnostics.warnings.first?.location.line == 2)
    }

    @Test("unknown keywords warn with a suggestion; unsupported ones say so")
    func finish() {
        let sink = DiagnosticSink()
        var r = reader("prority 10\nsnmp_socket x\nzzzz 1", sink: sink)
        _ = r.integer("priority", in: 1...255)
        r.finish(unsupported: ["snmp_socket": "SNMP is not implemented"])
        let warnings = sink.diagnostics.warnings
        #expect(warnings.count == 3)
        #expect(warnings[0].message == "unknown keyword 'prority' in block b is ignored")
        #expect(warnings[0].hint == "did you mean 'priority'?")
        #expect(warnings[1].message == "'snmp_socket' in block b is not supported yet and is ignored (SNMP is not implemented)")
        #expect(warnings[2].hint == nil)
        #expect(warnings.allSatisfy { $0.expected != nil }, "every warning says what would be accepted")
    }

    @Test("choices suggest the closest value")
    func choice() {
        enum Kind: String, CaseIterable { case NAT, DR, TUN }
        let sink = DiagnosticSink()
        let parser = ValueParser(sink: sink)
        #expect(parser.choice(Token("DR", at: SourceLocation(file: "f", line: 1)), as: Kind.self, what: "lb_kind") == .DR)
        #expect(parser.choice(Token("DT", at: SourceLocation(file: "f", line: 1)), as: Kind.self, what: "lb_kind") == nil)
        #expect(sink.diagnostics.errors.first?.hint == "did you mean 'DR'?")
        #expect(sink.diagnostics.errors.first?.expected == "one of NAT, DR, TUN")
    }

    @Test("numbers: decimal, hex and signs; timers reject exponents and signs")
    func numbers() {
        #expect(ValueParser.parseInteger("0x1F") == 31)
        #expect(ValueParser.parseInteger("-20") == -20)
        #expect(ValueParser.parseInteger("1e3") == nil)
        #expect(ValueParser.parseInteger("99999999999999999999999") == nil)
        #expect(ValueParser.parseDecimal("2.5") == 2.5)
        #expect(ValueParser.parseDecimal("1e3") == nil)
        #expect(ValueParser.parseDecimal("-1") == nil)
        #expect(ValueParser.parseDecimal(".") == nil)
    }

    @Test("suggestions by edit distance, swaps count once")
    func suggestions() {
        let keywords = ["priority", "advert_int", "virtual_router_id", "state"]
        #expect(Suggestion.closest(to: "prioirty", among: keywords) == "priority")
        #expect(Suggestion.closest(to: "advert_intt", among: keywords) == "advert_int")
        #expect(Suggestion.closest(to: "xyz", among: keywords) == nil)
    }

    @Test("glob patterns match like the shell")
    func glob() {
        #expect(GlobPattern.matches("/a/b.conf", pattern: "/a/*.conf"))
        #expect(!GlobPattern.matches("/a/x/b.conf", pattern: "/a/*.conf"))
        #expect(GlobPattern.matches("/a/b1.conf", pattern: "/a/b[0-9].conf"))
        #expect(!GlobPattern.matches("/a/bx.conf", pattern: "/a/b[!x].conf"))
        #expect(GlobPattern.matches("/a/b.conf", pattern: "/a/?.conf"))
        #expect(GlobPattern.expandBraces("/x/{a,b{c,d}}.conf") == ["/x/a.conf", "/x/bc.conf", "/x/bd.conf"])
        #expect(GlobPattern.expandBraces("/x/{a.conf") == ["/x/{a.conf"])
    }

    @Test("paths join relative to the including directory")
    func paths() {
        #expect(Path.join("/etc/k", "conf.d/../x.conf") == "/etc/k/x.conf")
        #expect(Path.join("/etc/k", "/abs/./y.conf") == "/abs/y.conf")
        #expect(Path.join(".", "a.conf") == "a.conf")
        #expect(Path.directory(of: "/k.conf") == "/")
        #expect(Path.directory(of: "k.conf") == ".")
    }
}
