import VigilCore

/// Prints diagnostics the way compilers do: location, severity, message, the source line and a caret.
public struct DiagnosticRenderer: Sendable {
    /// ANSI colours for terminals.
    public var colors: Bool
    /// Show the offending source line under each diagnostic.
    public var showSource: Bool

    public init(colors: Bool = false, showSource: Bool = true) {
        self.colors = colors
        self.showSource = showSource
    }

    /// All diagnostics in file order followed by a summary line.
    public func render(_ diagnostics: Diagnostics, sources: [String: [UInt8]]) -> String {
        var out = ""
        var indexes: [String: LineIndex] = [:]
        for diagnostic in diagnostics.sorted {
            let file = diagnostic.location.file
            if indexes[file] == nil, let bytes = sources[file] { indexes[file] = LineIndex(bytes) }
            out += render(diagnostic, line: indexes[file]?.line(diagnostic.location.line))
        }
        out += summary(diagnostics) + "\n"
        return out
    }

    /// One diagnostic, ending in a newline.
    public func render(_ diagnostic: Diagnostic, sources: [String: [UInt8]]) -> String {
        render(diagnostic, line: sources[diagnostic.location.file].flatMap { LineIndex($0).line(diagnostic.location.line) })
    }

    private func render(_ diagnostic: Diagnostic, line sourceLine: String?) -> String {
        let severity = paint(diagnostic.severity.rawValue, color(for: diagnostic.severity))
        var text = "\(paint(diagnostic.location.description, "1")): \(severity): \(diagnostic.message)"
        if let expected = diagnostic.expected { text += "; expected \(expected)" }
        text += "\n"
        if showSource, let line = sourceLine {
            let shown = String(line.prefix(200))
            text += "    \(shown)\n"
            let column = max(1, diagnostic.location.column)
            if column <= shown.count + 1 {
                let pad = String(shown.prefix(column - 1).map { $0 == "\t" ? "\t" : " " })
                text += "    \(pad)\(paint("^", color(for: diagnostic.severity)))\n"
            }
        }
        if let hint = diagnostic.hint { text += "    \(paint("hint", "36")): \(hint)\n" }
        return text
    }

    /// "2 errors, 1 warning" or "no problems found".
    public func summary(_ diagnostics: Diagnostics) -> String {
        let errors = diagnostics.count(of: .error)
        let warnings = diagnostics.count(of: .warning)
        if errors == 0 && warnings == 0 { return "configuration OK: no problems found" }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let verdict = errors > 0 ? "configuration has errors" : "configuration OK"
        return "\(verdict): \(plural(errors, "error")), \(plural(warnings, "warning"))"
    }

    private func color(for severity: Severity) -> String {
        switch severity {
        case .error: "1;31"
        case .warning: "1;35"
        case .note: "1;34"
        }
    }

    private func paint(_ text: String, _ code: String) -> String {
        colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

}

/// Line starts of one file, computed once so each diagnostic finds its line directly.
struct LineIndex {
    let bytes: [UInt8]
    let starts: [Int]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == 0x0A { starts.append(index + 1) }
        self.starts = starts
    }

    /// The text of a 1-based line without its line ending, cut at 4 KiB.
    func line(_ number: Int) -> String? {
        guard number >= 1, number <= starts.count else { return nil }
        let start = starts[number - 1]
        var end = number < starts.count ? starts[number] - 1 : bytes.count
        end = min(end, start + 4_096)
        guard start <= end else { return nil }
        var slice = bytes[start..<end]
        if slice.last == 0x0D { slice = slice.dropLast() }
        return String(decoding: slice, as: UTF8.self)
    }
}
