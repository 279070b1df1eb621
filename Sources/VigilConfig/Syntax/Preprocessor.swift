import VigilCore

/// Limits that keep any input, however hostile, from exhausting time or memory.
public struct PreprocessorLimits: Sendable {
    /// Largest single file read.
    public var maxFileBytes = 64 * 1024 * 1024
    /// Lines produced after includes, substitution and ~SEQ/~LST expansion.
    public var maxLines = 4_000_000
    /// Nested includes.
    public var maxIncludeDepth = 32
    /// Nested substitutions and sequence expansions on one line.
    public var maxExpansionDepth = 64
    /// Longest line parameter substitution may produce.
    public var maxSubstitutedLineBytes = 1024 * 1024
    /// Lines examined, counting expansions that produce nothing.
    public var maxWork = 20_000_000
    /// Files one include pattern may pull in.
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
    private var definitions: [String: [UInt8]] = [:]
    private var includeStack: [String] = []
    private var lineCount = 0
    private var work = 0
    private var stopped = false
    private var randomState: UInt64 = 0x9E37_79B9_7F4A_7C15

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
        let bytes: [UInt8]
        do {
            bytes = try fileSystem.read(path, limit: limits.maxFileBytes)
        } catch {
            let what = includeStack.isEmpty ? "cannot read configuration file \(path)" : "cannot read included file \(path)"
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
    private mutating func process(_ text: [UInt8], at location: SourceLocation, depth: Int) {
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
            return process(line, at: location, depth: depth)
        }

        // A definition behind a condition or produced by an expansion.
        if let (name, value) = Self.definition(in: line[...]) {
            definitions[name] = Self.trimmed(value)
            return
        }

        if line[first] == UInt8(ascii: "~"), let expansion = SequenceSpec.parse(line, from: first) {
            switch expansion {
            case .failure(let message):
                sink.error(message.message, at: location.with(column: first + 1), expected: "~SEQ(VAR, [START,] [STEP,] END) or ~LST(VAR, VALUE, ...)")
            case .success(let (spec, rest)):
                let saved = spec.variables.map { definitions[$0] }
                for values in spec.rows where !stopped {
                    for (variable, value) in zip(spec.variables, values) { definitions[variable] = Array(value.utf8) }
                    process(Array(rest), at: location, depth: depth + 1)
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
            for part in substituted { process(part, at: location, depth: depth + 1) }
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

    // MARK: Definitions and substitution

    /// `$NAME=value` with only whitespace before the `$`; returns the name and the raw value.
    static func definition(in text: ArraySlice<UInt8>) -> (String, ArraySlice<UInt8>)? {
        guard let dollar = text.firstIndex(where: { !LineScanner.isSpace($0) }), text[dollar] == UInt8(ascii: "$") else { return nil }
        var index = dollar + 1
        guard index < text.endIndex, isNameStart(text[index]) else { return nil }
        while index < text.endIndex && isNameByte(text[index]) { index += 1 }
        guard index < text.endIndex, text[index] == UInt8(ascii: "=") else { return nil }
        let name = String(decoding: text[(dollar + 1)..<index], as: UTF8.self)
        return (name, text[(index + 1)...])
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard let first = bytes.firstIndex(where: { !LineScanner.isSpace($0) }),
            let last = bytes.lastIndex(where: { !LineScanner.isSpace($0) })
        else { return [] }
        return Array(bytes[first...last])
    }

    /// The lines of a multiline definition as one value separated by newlines.
    static func joinLines(_ lines: [String]) -> [UInt8] {
        Array(lines.joined(separator: "\n").utf8)
    }

    /// Removes a trailing backslash (and the spaces around it); true when there was one.
    static func dropContinuation(_ text: inout ArraySlice<UInt8>) -> Bool {
        while let last = text.last, LineScanner.isSpace(last) { text = text.dropLast() }
        guard text.last == LineScanner.backslash else { return false }
        text = text.dropLast()
        while let last = text.last, LineScanner.isSpace(last) { text = text.dropLast() }
        return true
    }

    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == UInt8(ascii: "_")
    }

    static func isNameByte(_ byte: UInt8) -> Bool { isNameStart(byte) || (byte >= 48 && byte <= 57) }

    /// One pass replacing `$NAME ` and `${NAME}`; nil when nothing was replaced. A multiline value
    /// splits the result into several lines.
    private mutating func substitute(_ line: [UInt8], location: SourceLocation) -> [[UInt8]]? {
        guard line.contains(UInt8(ascii: "$")) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(line.count)
        var changed = false
        var index = 0
        while index < line.count {
            let byte = line[index]
            guard byte == UInt8(ascii: "$"), index + 1 < line.count else {
                output.append(byte)
                index += 1
                continue
            }
            if line[index + 1] == UInt8(ascii: "{"), let close = line[(index + 2)...].firstIndex(of: UInt8(ascii: "}")) {
                let body = String(decoding: line[(index + 2)..<close], as: UTF8.self)
                if let value = lookup(body, location: location) {
                    output.append(contentsOf: value)
                    changed = true
                    index = close + 1
                    continue
                }
            } else if Self.isNameStart(line[index + 1]) {
                var end = index + 1
                while end < line.count && Self.isNameByte(line[end]) { end += 1 }
                if end == line.count || LineScanner.isSpace(line[end]) {
                    let name = String(decoding: line[(index + 1)..<end], as: UTF8.self)
                    if let value = lookup(name, location: location) {
                        output.append(contentsOf: value)
                        changed = true
                        index = end
                        continue
                    }
                }
            }
            output.append(byte)
            index += 1
        }
        guard changed else { return nil }
        guard output.contains(0x0A) else { return [output] }
        return output.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
    }

    /// The value of a parameter or a built-in (`_PWD`, `_INSTANCE`, `_HASH`, `_BANG`, `_RANDOM [MIN [MAX]]`).
    private mutating func lookup(_ body: String, location: SourceLocation) -> [UInt8]? {
        if let value = definitions[body] { return value }
        return builtin(body, location: location).map { Array($0.utf8) }
    }

    private mutating func builtin(_ body: String, location: SourceLocation) -> String? {
        let words = body.split(separator: " ", omittingEmptySubsequences: true)
        switch words.first {
        case "_PWD": return Path.directory(of: location.file)
        case "_INSTANCE": return configId
        case "_HASH": return "#"
        case "_BANG": return "!"
        case "_RANDOM":
            let minimum = words.count > 1 ? Int(words[1]) ?? 0 : 0
            let maximum = words.count > 2 ? Int(words[2]) ?? 32_767 : 32_767
            guard minimum <= maximum else { return String(minimum) }
            // xorshift: deterministic within a run is fine, the value only has to be in range.
            randomState ^= randomState << 13
            randomState ^= randomState >> 7
            randomState ^= randomState << 17
            return String(minimum + Int(randomState % UInt64(maximum - minimum + 1)))
        default: return nil
        }
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
