import VigilCore

/// Limits that keep any input, however hostile, from exhausting time or memory. Each is well above
/// what real configurations use (keepalived 2.3.0's published reload case, 2,277 virtual servers
/// with 37,205 real servers, is about 240,000 lines) and low enough that `vigild -t` refuses a
/// hostile file within a second: multiplying includes and sequences are refused by count, before
/// their work is done.
public struct PreprocessorLimits: Sendable {
    /// Largest single file read.
    public var maxFileBytes = 64 * 1024 * 1024
    /// Bytes read over all files, counting a file each time it is included.
    public var maxTotalBytes = 256 * 1024 * 1024
    /// Files read in all, counting a file each time it is included: two includes of the next file
    /// on each of 30 levels would otherwise read 2^30 files.
    public var maxFilesRead = 10_000
    /// Lines produced after includes, substitution and ~SEQ/~LST expansion. A ~SEQ/~LST whose
    /// values, times those of the sequences around it, exceed what is left of this is refused up front.
    public var maxLines = 500_000
    /// Nested includes.
    public var maxIncludeDepth = 32
    /// Nested substitutions and sequence expansions on one line.
    public var maxExpansionDepth = 64
    /// Longest line parameter substitution may produce.
    public var maxSubstitutedLineBytes = 1024 * 1024
    /// Lines examined, counting expansions that produce nothing; bounds sequences in the same way.
    public var maxWork = 2_000_000
    /// Files one include pattern may pull in, and brace alternatives (`{a,b}`) one pattern may have.
    public var maxFilesPerInclude = 1_024

    public init() {}
}

/// Turns files into tokenized lines: comments, `@` conditions, `$NAME=` definitions and their
/// substitution, `~SEQ`/`~LST` expansion, and `include` with globs relative to the including file.
struct Preprocessor {
    let fileSystem: any ConfigFileSystem
    let configId: String
    let limits: PreprocessorLimits
    let sink: DiagnosticSink
    /// Called for each tokenized line, in order.
    let emit: ([Token]) -> Void

    private(set) var files: [String] = []
    private(set) var contents: [String: [UInt8]] = [:]
    var definitions: [String: [UInt8]] = [:]
    private var includeStack: [String] = []
    private var lineCount = 0
    private var work = 0
    private var filesRead = 0
    private var bytesRead = 0
    private var stopped = false
    var randomState: UInt64 = 0x9E37_79B9_7F4A_7C15

    init(
        fileSystem: any ConfigFileSystem, configId: String, limits: PreprocessorLimits, sink: DiagnosticSink,
        emit: @escaping ([Token]) -> Void
    ) {
        self.fileSystem = fileSystem
        self.configId = configId
        self.limits = limits
        self.sink = sink
        self.emit = emit
    }

    /// Reads the main file; an unreadable main file is an error at its line 1.
    mutating func run(mainFile path: String) {
        let location = SourceLocation(file: path, line: 1, column: 1)
        readFile(path, from: location, required: true)
    }

    // MARK: Files

    private mutating func readFile(_ path: String, from location: SourceLocation, required: Bool) {
        guard !stopped else { return }
        if includeStack.contains(path) {
            let chain = (includeStack.drop(while: { $0 != path }) + [path]).joined(separator: " → ")
            sink.error("include loop: \(chain)", at: location, expected: "each file included at most once on the include chain")
            return
        }
        guard includeStack.count < limits.maxIncludeDepth else {
            sink.error("includes nested deeper than \(limits.maxIncludeDepth) files", at: location, expected: "at most \(limits.maxIncludeDepth) nested includes")
            return
        }
        filesRead += 1
        guard filesRead <= limits.maxFilesRead else {
            stopped = true
            sink.error(
                "includes read more than \(limits.maxFilesRead) files in all (a file counts each time it is included); reading stopped",
                at: location, expected: "includes that do not multiply (each file included once)")
            return
        }
        let bytes: [UInt8]
        do {
            bytes = try fileSystem.read(path, limit: min(limits.maxFileBytes, limits.maxTotalBytes - bytesRead))
        } catch {
            let what = includeStack.isEmpty ? "cannot read configuration file \(path)" : "cannot read included file \(path)"
            if case .tooLarge = error, limits.maxTotalBytes - bytesRead < limits.maxFileBytes {
                stopped = true
                sink.error(
                    "\(what): the files read come to more than \(limits.maxTotalBytes / (1024 * 1024)) MiB in all; reading stopped",
                    at: location, expected: "a smaller configuration")
                return
            }
            sink.error("\(what): \(error.reason)", at: location, expected: "a readable configuration file")
            return
        }
        if let nul = bytes.firstIndex(of: 0) {
            let line = bytes[..<nul].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            sink.error(
                "\(path) contains binary data (a NUL byte) and was not read", at: SourceLocation(file: path, line: line),
                expected: "a text configuration file")
            return
        }
        bytesRead += bytes.count
        files.append(path)
        contents[path] = bytes
        includeStack.append(path)
        defer { includeStack.removeLast() }
        processLines(of: bytes, file: path)
    }

    private mutating func processLines(of bytes: [UInt8], file: String) {
        var lineNumber = 0
        var start = 0
        var pendingDefinition: (name: String, lines: [String], location: SourceLocation)?
        var reportedEncoding = false
        while start <= bytes.count && !stopped {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            lineNumber += 1
            var raw = bytes[start..<end]
            if raw.last == 0x0D { raw = raw.dropLast() }
            start = end + 1
            if !reportedEncoding, !raw.allSatisfy({ $0 < 0x80 }), String(validating: raw, as: UTF8.self) == nil {
                reportedEncoding = true
                sink.warning("line is not valid UTF-8; invalid bytes were replaced", at: SourceLocation(file: file, line: lineNumber), expected: "UTF-8 text")
            }
            var text = LineScanner.stripComment(raw)
            let location = SourceLocation(file: file, line: lineNumber, column: 1)

            // A multiline definition collects lines that end in a backslash.
            if var definition = pendingDefinition {
                let continued = Self.dropContinuation(&text)
                if !isBlank(text) { definition.lines.append(String(decoding: text, as: UTF8.self)) }
                if continued {
                    pendingDefinition = definition
                } else {
                    definitions[definition.name] = Self.joinLines(definition.lines)
                    pendingDefinition = nil
                }
                continue
            }
            if let (name, value) = Self.definition(in: text) {
                var valueBytes = value
                if Self.dropContinuation(&valueBytes) {
                    let first = String(decoding: valueBytes, as: UTF8.self)
                    let trimmed = first.trimmingSpaces
                    pendingDefinition = (name, trimmed.isEmpty ? [] : [trimmed], location)
                } else {
                    definitions[name] = Self.trimmed(valueBytes)
                }
                continue
            }
            process(Array(text), at: location, depth: 0)
            if start == bytes.count { break }
        }
        if let definition = pendingDefinition {
            sink.error(
                "multiline definition of $\(definition.name) is not finished at the end of \(file)", at: definition.location,
                expected: "a last line without a trailing backslash")
            definitions[definition.name] = Self.joinLines(definition.lines)
        }
    }

    private func isBlank(_ text: ArraySlice<UInt8>) -> Bool { text.allSatisfy(LineScanner.isSpace) }

    // MARK: One logical line

    /// Applies conditions, definitions, substitution, sequences and includes, then tokenizes.
    /// `repeats` is how many times the sequences around this line will process it again, so an
    /// inner ~SEQ can be refused for the product of them all before the first row is expanded.
    private mutating func process(_ text: [UInt8], at location: SourceLocation, depth: Int, repeats: Int = 1) {
        guard !stopped else { return }
        work += 1
        guard work <= limits.maxWork else {
            stopped = true
            sink.error("the configuration takes too much expansion work (~SEQ/~LST or substitution); reading stopped", at: location, expected: "smaller sequences")
            return
        }
        guard depth <= limits.maxExpansionDepth else {
            sink.error(
                "parameter substitution or sequence expansion nested deeper than \(limits.maxExpansionDepth) levels",
                at: location, expected: "definitions that do not refer to themselves")
            return
        }
        var line = text
        guard let first = line.firstIndex(where: { !LineScanner.isSpace($0) }) else { return }

        // `@id` / `@^id`: keep the line (blanking the condition so columns stay right) or drop it.
        if line[first] == UInt8(ascii: "@") {
            var end = first + 1
            while end < line.count && !LineScanner.isSpace(line[end]) { end += 1 }
            var word = line[(first + 1)..<end]
            let negated = word.first == UInt8(ascii: "^")
            if negated { word = word.dropFirst() }
            let matches = String(decoding: word, as: UTF8.self) == configId
            guard matches != negated else { return }
            for index in first..<end { line[index] = LineScanner.space }
            return process(line, at: location, depth: depth, repeats: repeats)
        }

        // A definition behind a condition or produced by an expansion.
        if let (name, value) = Self.definition(in: line[...]) {
            definitions[name] = Self.trimmed(value)
            return
        }

        let budget = max(0, min(limits.maxWork - work, limits.maxLines - lineCount)) / max(1, repeats)
        if line[first] == UInt8(ascii: "~"), let expansion = SequenceSpec.parse(line, from: first, maxRows: budget) {
            switch expansion {
            case .failure(let message):
                // Inside another sequence the same refusal would come once per outer value.
                if repeats > 1 { stopped = true }
                sink.error(message.message, at: location.with(column: first + 1), expected: "~SEQ(VAR, [START,] [STEP,] END) or ~LST(VAR, VALUE, ...) with fewer values")
            case .success(let (spec, rest)):
                let saved = spec.variables.map { definitions[$0] }
                let inner = repeats.multipliedReportingOverflow(by: max(1, spec.rows.count))
                for values in spec.rows where !stopped {
                    for (variable, value) in zip(spec.variables, values) { definitions[variable] = Array(value.utf8) }
                    process(Array(rest), at: location, depth: depth + 1, repeats: inner.overflow ? .max : inner.partialValue)
                }
                for (variable, value) in zip(spec.variables, saved) { definitions[variable] = value }
            }
            return
        }

        if let substituted = substitute(line, location: location) {
            if substituted.reduce(0, { $0 + $1.count }) > limits.maxSubstitutedLineBytes {
                sink.error(
                    "parameter substitution makes this line longer than \(limits.maxSubstitutedLineBytes / 1024) KiB",
                    at: location, expected: "definitions that do not refer to themselves")
                return
            }
            for part in substituted { process(part, at: location, depth: depth + 1, repeats: repeats) }
            return
        }

        if let tokens = Self.includeTokens(line, location: location, sink: sink) {
            include(tokens, at: tokens[0].location)
            return
        }
        let tokens = LineScanner.tokenize(line, file: location.file, line: location.line, sink: sink)
        guard !tokens.isEmpty else { return }
        lineCount += 1
        if lineCount > limits.maxLines {
            stopped = true
            sink.error("the configuration expands to more than \(limits.maxLines) lines; reading stopped", at: location, expected: "a smaller configuration")
            return
        }
        emit(tokens)
    }

    // MARK: Includes

    static let includeKeywords: Set<String> = ["include", "includer", "includem", "includew", "includeb", "includea"]

    /// An include line split on whitespace only, so brace patterns such as `{a,b}.conf` stay whole.
    static func includeTokens(_ line: [UInt8], location: SourceLocation, sink: DiagnosticSink) -> [Token]? {
        guard let start = line.firstIndex(where: { !LineScanner.isSpace($0) }), line[start] == UInt8(ascii: "i") else { return nil }
        var end = start
        while end < line.count && !LineScanner.isSpace(line[end]) { end += 1 }
        guard end - start <= 8, includeKeywords.contains(String(decoding: line[start..<end], as: UTF8.self)) else { return nil }
        var tokens: [Token] = []
        var index = start
        while index < line.count {
            while index < line.count && LineScanner.isSpace(line[index]) { index += 1 }
            guard index < line.count else { break }
            let wordStart = index
            while index < line.count && !LineScanner.isSpace(line[index]) { index += 1 }
            var word = line[wordStart..<index]
            var quoted = false
            if word.count >= 2, let first = word.first, first == word.last, first == LineScanner.doubleQuote || first == LineScanner.singleQuote {
                word = word.dropFirst().dropLast()
                quoted = true
            }
            tokens.append(Token(String(decoding: word, as: UTF8.self), at: location.with(column: wordStart + 1), quoted: quoted))
        }
        return tokens
    }

    private mutating func include(_ tokens: [Token], at location: SourceLocation) {
        let variant = tokens[0].text
        guard tokens.count >= 2 else {
            sink.error("'\(variant)' needs a file name or pattern", at: location, expected: "\(variant) FILE", keyword: variant)
            return
        }
        if tokens.count > 2 {
            sink.warning(
                "'\(variant)' takes one file name; '\(tokens[2].text)' ignored", at: tokens[2].location,
                expected: "\(variant) FILE (quote a name with spaces)", keyword: variant)
        }
        let pattern = tokens[1].text
        let base = Path.directory(of: location.file)
        let resolved = Path.join(base, pattern)
        guard GlobPattern.hasWildcards(pattern) else {
            readFile(resolved, from: tokens[1].location, required: true)
            return
        }
        guard GlobPattern.braceAlternatives(resolved, limit: limits.maxFilesPerInclude) != nil else {
            sink.error(
                "include pattern '\(pattern)' has more than \(limits.maxFilesPerInclude) brace alternatives", at: tokens[1].location,
                expected: "at most \(limits.maxFilesPerInclude) alternatives in {a,b} groups", keyword: variant)
            return
        }
        let matches = fileSystem.glob(resolved)
        if matches.isEmpty {
            // Plain `include` and `includer` allow an empty match (an optional conf.d); the strict variants do not.
            if variant == "include" || variant == "includer" {
                sink.warning(
                    "include pattern '\(pattern)' matches no files", at: tokens[1].location,
                    expected: "files matching the pattern (none is fine for an optional directory)", keyword: variant)
            } else {
                sink.error("include pattern '\(pattern)' matches no files", at: tokens[1].location, expected: "at least one matching file (\(variant) requires a match)", keyword: variant)
            }
            return
        }
        if matches.count > limits.maxFilesPerInclude {
            sink.error("include pattern '\(pattern)' matches \(matches.count) files", at: tokens[1].location, expected: "at most \(limits.maxFilesPerInclude)", keyword: variant)
            return
        }
        for path in matches { readFile(Path.normalize(path), from: tokens[1].location, required: true) }
    }
}

extension SourceLocation {
    /// The same line at another column.
    func with(column: Int) -> SourceLocation { SourceLocation(file: file, line: line, column: column) }
}

extension String {
    var trimmingSpaces: String {
        let bytes = Array(utf8)
        guard let first = bytes.firstIndex(where: { !LineScanner.isSpace($0) }),
            let last = bytes.lastIndex(where: { !LineScanner.isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
