import Testing
import VigilCore

@Suite("Diagnostics")
struct DiagnosticTests {
    @Test("a diagnostic reads like a compiler's")
    func description() {
        let diagnostic = Diagnostic(
            .error, at: SourceLocation(file: "k.conf", line: 12, column: 14), "priority 300 is out of range",
            expected: "an integer from 1 to 255")
        #expect(diagnostic.description == "k.conf:12:14: error: priority 300 is out of range; expected an integer from 1 to 255")
    }

    @Test("sorted keeps file order and the order of findings on one spot")
    func sorting() {
        var diagnostics = Diagnostics()
        diagnostics.warning("b", at: SourceLocation(file: "a", line: 5))
        diagnostics.error("a", at: SourceLocation(file: "a", line: 2))
        diagnostics.warning("c", at: SourceLocation(file: "a", line: 5))
        #expect(diagnostics.sorted.map(\.message) == ["a", "b", "c"])
        #expect(diagnostics.hasErrors)
        #expect(diagnostics.count(of: .warning) == 2)
    }
}
