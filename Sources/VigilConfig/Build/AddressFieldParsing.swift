import VigilCore

/// Walks the words of one address, route or rule line, option by option.
struct OptionCursor {
    let tokens: [Token]
    private(set) var index = 0

    init(_ tokens: [Token]) { self.tokens = tokens }

    var isAtEnd: Bool { index >= tokens.count }
    var peek: Token? { isAtEnd ? nil : tokens[index] }

    mutating func next() -> Token? {
        guard !isAtEnd else { return nil }
        defer { index += 1 }
        return tokens[index]
    }

    /// The value after `option`; a missing value is an error at the option.
    mutating func value(for option: Token, expected: String, sink: DiagnosticSink, in what: String) -> Token? {
        if let token = next() { return token }
        sink.error("'\(option.text)' in \(what) needs a value", at: option.location, expected: expected, keyword: option.text)
        return nil
    }

    /// Consumes the next word when it is `word`.
    mutating func take(_ word: String) -> Bool {
        guard let token = peek, token.text == word else { return false }
        index += 1
        return true
    }
}

/// Parsing of the fields shared by address, route and rule lines.
enum AddressFields {
    /// Linux limits interface names to 15 bytes without '/', ':' or blanks.
    static func interfaceName(_ token: Token, what: String, sink: DiagnosticSink) -> String? {
        let text = token.text
        let expected = "an interface name of 1 to 15 characters without '/', ':' or spaces"
        if text.isEmpty || text == "." || text == ".." {
            sink.error("\(what) '\(text)' is not a valid interface name", at: token.location, expected: expected, keyword: what)
            return nil
        }
        if text.utf8.count > 15 {
            sink.error("\(what) '\(text)' is longer than 15 characters", at: token.location, expected: expected, keyword: what)
            return nil
        }
        if text.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ":") || $0 <= 32 }) {
            sink.error("\(what) '\(text)' is not a valid interface name", at: token.location, expected: expected, keyword: what)
            return nil
        }
        return text
    }

    /// A scope name (global, site, link, host, nowhere) or number 0-255.
    static func scope(_ token: Token, sink: DiagnosticSink) -> AddressScope? {
        if let named = AddressScope.named.first(where: { $0.name == token.text }) { return named.scope }
        if let number = ValueParser.parseInteger(token.text), (0...255).contains(number) { return AddressScope(value: number) }
        let names = AddressScope.named.map(\.name)
        let hint = Suggestion.closest(to: token.text, among: names).map { "did you mean '\($0)'?" }
        sink.error(
            "scope '\(token.text)' is not valid", at: token.location,
            expected: "one of \(names.joined(separator: ", ")) or a number from 0 to 255", hint: hint, keyword: "scope")
        return nil
    }

    /// A routing table: a number 0-4294967295 or a name from rt_tables.
    static func table(_ token: Token, what: String, sink: DiagnosticSink) -> String? {
        if let number = ValueParser.parseInteger(token.text) {
            guard (0...Int(UInt32.max)).contains(number) else {
                sink.error("\(what) \(token.text) is out of range", at: token.location, expected: "a table number from 0 to 4294967295 or a table name", keyword: what)
                return nil
            }
            return String(number)
        }
        guard isName(token.text) else {
            sink.error("\(what) '\(token.text)' is not a table", at: token.location, expected: "a table number or a name from rt_tables such as main", keyword: what)
            return nil
        }
        return token.text
    }

    /// A number or a name (protocols, realms): letters, digits, '_', '-', '.', '/'.
    static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "/")
        }
    }

    /// A number or a name such as a protocol (`static`, `bird`, `18`).
    static func nameOrNumber(_ token: Token, what: String, expected: String, sink: DiagnosticSink) -> String? {
        guard isName(token.text) else {
            sink.error("\(what) '\(token.text)' is not valid", at: token.location, expected: expected, keyword: what)
            return nil
        }
        return token.text
    }

    /// A TOS / DS field byte, decimal or 0x hex.
    static func tos(_ token: Token, what: String, sink: DiagnosticSink) -> Int? {
        ValueParser(sink: sink).integer(token, in: 0...255, what: what)
    }

    /// Abbreviations `ip` accepts but keepalived does not (it wants full option names).
    static let shortForms = [
        "proto": "protocol", "prio": "priority", "pref": "preference", "realm": "realms", "dev": "iif",
        "lookup": "table", "nodad": "-nodad", "brd": "broadcast",
    ]

    /// Warns about an option keyword the line does not know, suggesting the closest one.
    static func unknownOption(_ token: Token, in what: String, known: [String], sink: DiagnosticSink) {
        let full = shortForms[token.text].flatMap { known.contains($0) ? $0 : nil }
        let hint = (full ?? Suggestion.closest(to: token.text, among: known)).map { "did you mean '\($0)'?" }
        sink.warning(
            "unknown option '\(token.text)' in \(what) is ignored", at: token.location,
            expected: "one of \(known.joined(separator: ", "))", hint: hint, keyword: token.text)
    }
}
