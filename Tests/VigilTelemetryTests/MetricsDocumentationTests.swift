import Foundation
import Testing
@testable import VigilTelemetry

@Suite("docs/METRICS.md")
struct MetricsDocumentationTests {
    @Test("The table in docs/METRICS.md is the one the catalog generates (vigild --list-metrics)")
    func docsMatchCatalog() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try String(contentsOf: root.appendingPathComponent("docs/METRICS.md"), encoding: .utf8)
        let begin = "<!-- metrics:begin -->\n"
        let end = "<!-- metrics:end -->"
        let start = try #require(text.range(of: begin))
        let stop = try #require(text.range(of: end))
        #expect(String(text[start.upperBound..<stop.lowerBound]) == MetricsDocumentation.markdownTable())
    }
}
