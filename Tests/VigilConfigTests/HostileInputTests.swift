import Testing
@testable import VigilConfig
import VigilCore

/// Reproductions of the inputs that once crashed or hung the reader (issue: a reload can never take
/// the daemon down): each is now refused with a diagnostic at its file:line, before any work is done.
@Suite("Hostile input: integer extremes, multiplying includes and sequences")
struct HostileInputTests {
    static let max = "9223372036854775807"
    static let min = "-9223372036854775808"

    @Test(
        "~SEQ ranges at the ends of Int are refused, not trapped",
        arguments: [
            "~SEQ(i, 0, 1, \(max)) x $i", "~SEQ(i, \(min), \(max)) x $i", "~SEQ(i, \(max), -1, \(min)) x $i",
            "~SEQx(i, \(min)) x $i", "~SEQ(i, \(min), 1, \(max)) x $i", "~SEQ(i, \(max)) x $i",
        ])
    func sequenceExtremes(line: String) {
        let result = tree("router_id a\n\(line)\n")
        #expect(result.diagnostics.errors.count == 1)
        let error = result.diagnostics.errors.first
        #expect(error?.location.line == 2)
        #expect(error?.message.contains("values, more than the") == true, "\(error?.message ?? "")")
        #expect(render(result.statements) == ["router_id a"])
    }

    @Test("sequences that end at Int's bounds stop there")
    func sequenceAtTheBound() {
        let up = tree("~SEQ(i, 9223372036854775806, 1, \(Self.max)) x $i\n")
        #expect(up.diagnostics.isEmpty)
        #expect(render(up.statements) == ["x 9223372036854775806", "x \(Self.max)"])
        let down = tree("~SEQ(i, -9223372036854775807, -1, \(Self.min)) x $i\n")
        #expect(render(down.statements) == ["x -9223372036854775807", "x \(Self.min)"])
        let single = tree("~SEQ(i, \(Self.max), \(Self.max)) x $i\n")
        #expect(render(single.statements) == ["x \(Self.max)"])
    }

    @Test("SequenceSpec.valueCount is exact where it fits and nil where it does not")
    func valueCounts() {
        #expect(SequenceSpec.valueCount(start: 1, step: 1, end: 10) == 10)
        #expect(SequenceSpec.valueCount(start: 10, step: -3, end: 1) == 4)
        #expect(SequenceSpec.valueCount(start: 1, step: -1, end: 10) == 0)
        #expect(SequenceSpec.valueCount(start: 0, step: 1, end: .max) == nil)
        #expect(SequenceSpec.valueCount(start: .min, step: 2, end: .max) == nil)
        #expect(SequenceSpec.valueCount(start: .min, step: 4, end: .max) == 1 << 62)
        #expect(SequenceSpec.valueCount(start: .max, step: .min, end: .min) == 2)
        #expect(SequenceSpec.valueCount(start: .min, step: .max, end: .max) == 3)
    }

    @Test(
        "${_RANDOM MIN MAX} over the whole Int range stays in range",
        arguments: [("0", max), (min, max), (max, max), (min, min), (min, "0"), ("-5", "5")])
    func randomExtremes(bounds: (String, String)) {
        let result = tree("r ${_RANDOM \(bounds.0) \(bounds.1)}\nr ${_RANDOM \(bounds.0) \(bounds.1)}\n")
        #expect(result.diagnostics.isEmpty)
        let range = Int(bounds.0)!...Int(bounds.1)!
        for statement in result.statements {
            let value = statement.arguments.first.flatMap { Int($0.text) }
            #expect(value.map(range.contains) == true, "\(statement)")
        }
    }

    @Test("Preprocessor.value(in:from:) maps every bit pattern into the range")
    func randomMapping() {
        let patterns: [UInt64] = [0, 1, .max, .max - 1, 1 << 63, (1 << 63) - 1, 0x9E37_79B9_7F4A_7C15]
        let ranges: [ClosedRange<Int>] = [Int.min...Int.max, 0...Int.max, Int.min...0, -1...1, 7...7, Int.max...Int.max]
        for range in ranges {
            for bits in patterns { #expect(range.contains(Preprocessor.value(in: range, from: bits))) }
        }
        #expect(Preprocessor.value(in: 0...9, from: 123) == 3)
    }

    @Test("includes that multiply (two includes of the next file on each of 30 levels) stop at the file budget")
    func includeFanOut() {
        var files: [String: String] = ["/etc/k/main.conf": "router_id a\ninclude l1.conf\ninclude l1.conf\n"]
        for level in 1..<30 { files["/etc/k/l\(level).conf"] = "include l\(level + 1).conf\ninclude l\(level + 1).conf\n" }
        files["/etc/k/l30.conf"] = "x 1\n"
        let result = tree(files)
        #expect(result.diagnostics.errors.count == 1)
        let error = result.diagnostics.errors.first
        #expect(error?.message.contains("includes read more than 10000 files in all") == true, "\(error?.message ?? "")")
        #expect(error?.location.file.hasPrefix("/etc/k/l") == true)
    }

    @Test("an include pattern with 2^30 brace alternatives is refused before any glob")
    func braceBomb() {
        let pattern = String(repeating: "{a,b}", count: 30) + ".conf"
        let result = tree("router_id a\ninclude \(pattern)\n")
        #expect(result.diagnostics.errors.count == 1)
        let error = result.diagnostics.errors.first
        #expect(error?.message == "include pattern '\(pattern)' has more than 1024 brace alternatives")
        #expect(error?.location.line == 2)
        #expect(error?.location.column == 9)
        #expect(GlobPattern.braceAlternatives("{a,b}{c,d}", limit: 4) == ["ac", "ad", "bc", "bd"])
        #expect(GlobPattern.braceAlternatives("{a,b}{c,d}", limit: 3) == nil)
    }

    @Test("a ~SEQ of millions of values is refused before its first row")
    func hugeSequence() {
        let result = tree("router_id a\n~SEQ(i, 5000000) real_server 192.0.2.1 $i\n")
        #expect(result.diagnostics.errors.count == 1)
        #expect(result.diagnostics.errors.first?.message == "~SEQ produces 5000000 values, more than the 499999 allowed here")
        #expect(result.statements.count == 1)
    }

    @Test("nested sequences are refused for their product, once, before the inner one expands")
    func nestedSequences() {
        let result = tree("~SEQ(a, 2000) ~SEQ(b, 2000) x $a $b\nafter 1\n")
        #expect(result.diagnostics.errors.count == 1)
        let error = result.diagnostics.errors.first
        #expect(error?.message.contains("~SEQ produces 2000 values, more than the") == true, "\(error?.message ?? "")")
        #expect(error?.location.line == 1)
        #expect(result.statements.isEmpty)
    }

    @Test("a large but reasonable sequence still expands in full")
    func reasonableSequence() {
        let result = tree("~SEQ(i, 100000) x $i\n")
        #expect(result.diagnostics.isEmpty)
        #expect(result.statements.count == 100_000)
        #expect(result.statements.last.map { render([$0]) } == ["x 100000"])
    }

    @Test("the bytes read over all includes are bounded, not only each file")
    func totalBytes() {
        var limits = PreprocessorLimits()
        limits.maxTotalBytes = 100
        let sink = DiagnosticSink()
        let files = InMemoryFileSystem([
            "/m.conf": "include a.conf\ninclude a.conf\ninclude a.conf\n", "/a.conf": "x " + String(repeating: "1", count: 40) + "\n",
        ])
        let result = ConfigLoader.readTree(path: "/m.conf", fileSystem: files, options: LoadOptions(limits: limits), sink: sink)
        #expect(result.statements.count == 1)
        #expect(sink.diagnostics.errors.count == 1)
        #expect(sink.diagnostics.errors.first?.message.contains("more than 0 MiB in all") == true)
    }
}
