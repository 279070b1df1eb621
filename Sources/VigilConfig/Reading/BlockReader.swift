import VigilCore

/// Reads the statements of one block by keyword, and reports whatever the builder did not ask for.
///
/// Builders call the typed accessors for every keyword they understand; `finish` then warns about
/// the rest: keywords Vigil recognises but does not support yet, and unknown ones (with a
/// "did you mean" among the known keywords).
public struct BlockReader {
    /// Names the block in messages, e.g. "vrrp_instance VI_1".
    public let context: String
    /// The block's own keyword, for "missing keyword" errors.
    public let location: SourceLocation
    public let sink: DiagnosticSink
    public let statements: [ConfigNode]
    private var consumed: [Bool]
    /// Keywords builders asked for, for suggestions; an array because blocks are small and this is hot.
    private var asked: [String] = []

    public var parse: ValueParser { ValueParser(sink: sink) }

    public init(_ statements: [ConfigNode], context: String, location: SourceLocation, sink: DiagnosticSink) {
        self.statements = statements
        self.context = context
        self.location = location
        self.sink = sink
        consumed = Array(repeating: false, count: statements.count)
    }

    /// Reads the children of `node` (an empty block when it has none).
    public init(block node: ConfigNode, context: String, sink: DiagnosticSink) {
        self.init(node.children ?? [], context: context, location: node.location, sink: sink)
    }

    // MARK: Raw access

    /// Every statement with this keyword, in file order; marks them read.
    public mutating func all(_ keyword: String) -> [ConfigNode] {
        asked.append(keyword)
        // A linear scan beats hashing here: blocks hold a handful of statements and are read once.
        var found: [ConfigNode] = []
        for index in statements.indices where statements[index].keyword.text == keyword {
            consumed[index] = true
            found.append(statements[index])
        }
        return found
    }

    /// The statement for a keyword given once; when given more than once the last wins, with a warning.
    public mutating func single(_ keyword: String) -> ConfigNode? {
        let nodes = all(keyword)
        guard let last = nodes.last else { return nil }
        if nodes.count > 1 {
            sink.warning(
                "'\(keyword)' is given \(nodes.count) times in \(context); the last one (line \(last.location.line)) is used",
                at: nodes[nodes.count - 2].location, expected: "'\(keyword)' once", keyword: keyword)
        }
        return last
    }

    /// True when the keyword appears; marks it read.
    public mutating func has(_ keyword: String) -> Bool { !all(keyword).isEmpty }

    /// Accepts a keyword without interpreting it (for keywords that only matter to keepalived internals).
    public mutating func ignore(_ keyword: String) { _ = all(keyword) }

    // MARK: Typed accessors

    /// A flag such as `nopreempt`, optionally followed by a <BOOL>; absent gives `default`.
    public mutating func flag(_ keyword: String, default defaultValue: Bool = false) -> Located<Bool> {
        guard let node = single(keyword) else { return .defaulted(defaultValue) }
        guard let argument = node.arguments.first else { return Located(true, at: node.location) }
        extraArguments(node, allowed: 1)
        return Located(parse.bool(argument, what: keyword) ?? true, at: node.location)
    }

    /// An integer setting; a missing value or one out of range is an error and yields the default.
    public mutating func integer(_ keyword: String, in range: ClosedRange<Int>, default defaultValue: Int) -> Located<Int> {
        integer(keyword, in: range) ?? .defaulted(defaultValue)
    }

    /// An integer setting with no default.
    public mutating func integer(_ keyword: String, in range: ClosedRange<Int>) -> Located<Int>? {
        guard let node = single(keyword), let token = value(of: node, expected: "an integer from \(range.lowerBound) to \(range.upperBound)") else { return nil }
        extraArguments(node, allowed: 1)
        return parse.integer(token, in: range, what: keyword).map { Located($0, at: token.location) }
    }

    /// A <TIMER> in seconds.
    public mutating func seconds(_ keyword: String, in range: ClosedRange<Double>, default defaultValue: Seconds) -> Located<Seconds> {
        seconds(keyword, in: range) ?? .defaulted(defaultValue)
    }

    /// A <TIMER> in seconds with no default.
    public mutating func seconds(_ keyword: String, in range: ClosedRange<Double>) -> Located<Seconds>? {
        guard let node = single(keyword),
            let token = value(of: node, expected: "a time in seconds from \(ValueParser.format(range.lowerBound)) to \(ValueParser.format(range.upperBound))")
        else { return nil }
        extraArguments(node, allowed: 1)
        return parse.seconds(token, in: range, what: keyword).map { Located($0, at: token.location) }
    }

    /// A one-word string.
    public mutating func string(_ keyword: String) -> Located<String>? {
        guard let node = single(keyword), let token = value(of: node, expected: "a value") else { return nil }
        extraArguments(node, allowed: 1)
        return Located(token.text, at: token.location)
    }

    /// The rest of the line as words (scripts with arguments, lists on one line).
    public mutating func words(_ keyword: String) -> Located<[String]>? {
        guard let node = single(keyword), let first = value(of: node, expected: "a value") else { return nil }
        return Located(node.arguments.map(\.text), at: first.location)
    }

    /// One of a fixed set of words.
    public mutating func choice<E: RawRepresentable & CaseIterable>(
        _ keyword: String, as type: E.Type, caseInsensitive: Bool = false
    ) -> Located<E>? where E.RawValue == String {
        guard let node = single(keyword), let token = value(of: node, expected: "one of \(E.allCases.map(\.rawValue).joined(separator: ", "))") else { return nil }
        extraArguments(node, allowed: 1)
        return parse.choice(token, as: type, what: keyword, caseInsensitive: caseInsensitive).map { Located($0, at: token.location) }
    }

    /// An IP address.
    public mutating func address(_ keyword: String) -> Located<IPAddress>? {
        guard let node = single(keyword), let token = value(of: node, expected: "an IP address") else { return nil }
        extraArguments(node, allowed: 1)
        return parse.address(token, what: keyword).map { Located($0, at: token.location) }
    }

    /// The block of a keyword given once (the last wins); a statement without `{` is an error.
    public mutating func block(_ keyword: String) -> ConfigNode? {
        guard let node = single(keyword) else { return nil }
        guard node.hasBlock else {
            sink.error("'\(keyword)' needs a block", at: node.location, expected: "'\(keyword) { ... }'", keyword: keyword)
            return nil
        }
        return node
    }

    /// Every block of a repeated keyword (real_server, url, ...); statements without `{` are errors.
    public mutating func blocks(_ keyword: String) -> [ConfigNode] {
        all(keyword).filter { node in
            if node.hasBlock { return true }
            sink.error("'\(keyword)' needs a block", at: node.location, expected: "'\(keyword) ... { ... }'", keyword: keyword)
            return false
        }
    }

    /// Reports a required keyword that is absent.
    public func require<T>(_ value: T?, _ keyword: String, expected: String) -> T? {
        if value == nil && !statements.contains(where: { $0.keyword.text == keyword }) {
            sink.error("\(context) has no '\(keyword)'", at: location, expected: expected, keyword: keyword)
        }
        return value
    }

    // MARK: Helpers for builders

    /// The first argument, or an error that the keyword needs one.
    public func value(of node: ConfigNode, expected: @autoclosure () -> String) -> Token? {
        if node.hasBlock && node.arguments.isEmpty {
            sink.error("'\(node.name)' takes a value, not a block", at: node.location, expected: expected(), keyword: node.name)
            return nil
        }
        guard let token = node.arguments.first else {
            sink.error("'\(node.name)' needs a value", at: node.location, expected: expected(), keyword: node.name)
            return nil
        }
        return token
    }

    /// Warns about arguments past the ones a keyword takes.
    public func extraArguments(_ node: ConfigNode, allowed: Int) {
        guard node.arguments.count > allowed else { return }
        let extra = node.arguments[allowed]
        sink.warning(
            "'\(node.name)' takes \(allowed == 1 ? "one value" : "\(allowed) values"); extra '\(extra.text)' ignored",
            at: extra.location, expected: allowed == 1 ? "one value" : "\(allowed) values", keyword: node.name)
    }

    /// Warns about every statement no accessor asked for.
    ///
    /// - Parameter unsupported: keywords Vigil recognises but ignores for now, with the reason.
    /// - Parameter known: further valid keywords, used only for suggestions.
    public func finish(unsupported: [String: String] = [:], known: [String] = []) {
        for (index, node) in statements.enumerated() where !consumed[index] {
            if sink.isSaturated && node.name.utf8.count > 0 {
                sink.drop()
                continue
            }
            if let reason = unsupported[node.name] {
                sink.warning(
                    "'\(node.name)' in \(context) is not supported yet and is ignored (\(reason))",
                    at: node.location, expected: "a keyword Vigil acts on (docs/CONFIG.md lists the ones it does not yet)",
                    keyword: node.name)
                continue
            }
            let candidates = Set(asked).union(unsupported.keys).union(known)
            let hint = Suggestion.closest(to: node.name, among: candidates).map { "did you mean '\($0)'?" }
            sink.warning(
                "unknown keyword '\(node.name)' in \(context) is ignored", at: node.location,
                expected: "a keyword of \(context) (docs/CONFIG.md lists them)", hint: hint, keyword: node.name)
        }
    }
}
