import Foundation
import Testing
import VigilConfig
import VigilCore
import VigilPlatform

/// keepalived's own sample files, read from the installed Debian package (never copied into the repo).
@Suite("keepalived's sample configurations", .timeLimit(.minutes(2)))
struct KeepalivedSamplesTests {
    static let directory = "/usr/share/doc/keepalived/samples"

    /// The samples; an empty list fails the test below, since `make test` installs keepalived.
    static var samples: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { $0.hasPrefix("keepalived.conf") }.sorted()
    }

    /// The config id a sample asks for in its own header ("Run keepalived with either '-i high' or '-i low'").
    static func configId(for sample: String) -> String { sample == "keepalived.conf.conditional_conf" ? "high" : "vigil-test" }

    /// Keywords docs/CONFIG.md lists as not supported yet or as accepted with a warning.
    static func documentedKeywords() throws -> Set<String> {
        let text = try String(contentsOf: CommandRunnerPaths.packageRoot.appendingPathComponent("docs/CONFIG.md"), encoding: .utf8)
        var keywords: Set<String> = []
        for marker in ["unsupported", "warnings"] {
            let rows = try DocsTable.rows(in: text, marker: marker)
            for row in rows where row.count >= 2 {
                for keyword in row[1].components(separatedBy: ",") {
                    keywords.insert(keyword.trimmingCharacters(in: CharacterSet(charactersIn: "` ")))
                }
            }
        }
        return keywords
    }

    @Test("the package's samples are installed")
    func samplesPresent() {
        #expect(Self.samples.count >= 20, "make test installs keepalived; found \(Self.samples.count) samples in \(Self.directory)")
    }

    @Test("every sample checks with no error; every warning is documented or reported by keepalived -t too")
    func samplesCheckClean() throws {
        let documented = try Self.documentedKeywords()
        for sample in Self.samples {
            let path = "\(Self.directory)/\(sample)"
            let result = ConfigLoader.load(path: path, fileSystem: LocalFileSystem(), options: LoadOptions(configId: Self.configId(for: sample)))
            #expect(result.diagnostics.errors.isEmpty, "\(sample): \(result.diagnostics.errors.map(\.description))")
            let undocumented = result.diagnostics.warnings.filter { !documented.contains($0.keyword ?? "") }
            guard !undocumented.isEmpty else { continue }
            // What is left must be a mistake in the sample itself that keepalived reports on the same line.
            let keepalivedLines = try KeepalivedCheck.reportedLines(path, configId: Self.configId(for: sample))
            for warning in undocumented {
                #expect(
                    keepalivedLines.contains(warning.location.line),
                    "\(sample): warning not in docs/CONFIG.md and not reported by keepalived -t: \(warning) [keyword: \(warning.keyword ?? "none")]")
            }
        }
    }

    @Test("docs/CONFIG.md lists exactly the keywords the code treats as not supported yet")
    func unsupportedTableMatchesCode() throws {
        let text = try String(contentsOf: CommandRunnerPaths.packageRoot.appendingPathComponent("docs/CONFIG.md"), encoding: .utf8)
        let documented = try DocsTable.rows(in: text, marker: "unsupported").map { $0.joined(separator: "|") }
        let code = UnsupportedKeyword.markdownTable.split(separator: "\n").dropFirst(2).map {
            $0.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "|")
        }
        #expect(documented == code, "regenerate with: vigild --list-unsupported-keywords")
    }
}

/// The rows of a markdown table between `<!-- NAME:begin -->` and `<!-- NAME:end -->`, header excluded.
enum DocsTable {
    struct Missing: Error {}

    static func rows(in text: String, marker: String) throws -> [[String]] {
        guard let begin = text.range(of: "<!-- \(marker):begin -->"), let end = text.range(of: "<!-- \(marker):end -->") else {
            throw Missing()
        }
        return text[begin.upperBound..<end.lowerBound].split(separator: "\n")
            .filter { $0.hasPrefix("|") }
            .dropFirst(2)
            .map { line in line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } }
    }
}

/// Runs the real `keepalived -t` on a file and collects the line numbers it complains about.
enum KeepalivedCheck {
    static func reportedLines(_ path: String, configId: String) throws -> Set<Int> {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/keepalived")
        process.arguments = ["-t", "-i", configId, "-f", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var lines: Set<Int> = []
        // keepalived prefixes findings with "(FILE: Line N)".
        for part in output.components(separatedBy: ": Line ").dropFirst() {
            if let number = Int(part.prefix { $0.isNumber }) { lines.insert(number) }
        }
        return lines
    }
}

/// Where the package's files are, for tests that read docs.
enum CommandRunnerPaths {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
}
