import Foundation
import Testing
@testable import VigilHTTP

@Suite("gzip")
struct GzipTests {
    @Test(
        "Accept-Encoding parsing: gzip with a quality above zero",
        arguments: [
            (nil, false), ("gzip", true), ("GZIP", true), ("deflate, gzip;q=0.5", true), ("gzip;q=0", false),
            ("gzip; q=0.0", false), ("identity", false), ("*", true), ("br, x-gzip", true), ("deflate", false),
        ] as [(String?, Bool)])
    func acceptance(header: String?, accepted: Bool) {
        #expect(Gzip.accepted(by: header) == accepted)
    }

    @Test("A compressed body is a gzip stream that gzip(1) restores exactly")
    func roundTrip() throws {
        let original = Array((0..<50_000).map { "vigil_x{n=\"\($0)\"} \($0)\n" }.joined().utf8)
        let compressed = try #require(Gzip.compress(original))
        #expect(compressed.starts(with: [0x1f, 0x8b]))
        #expect(compressed.count < original.count / 3)
        #expect(try gunzip(compressed) == original)
        #expect(Gzip.compress([])?.starts(with: [0x1f, 0x8b]) == true)
    }
}
