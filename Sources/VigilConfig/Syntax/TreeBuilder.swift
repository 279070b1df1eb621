import VigilCore

/// Builds the block tree from tokenized lines without recursion, so nesting depth cannot exhaust the stack.
struct TreeBuilder {
    /// Deeper blocks are reported once and their content dropped; keepalived's grammar needs 4.
    static let maxDepth = 64

    private struct Frame {
        let keyword: Token
        let arguments: [Token]
        let brace: Token
        var children: [ConfigNode] = []
        /// Inside a block that is too deep or has no keyword: braces are tracked, content dropped.
        let discarding: Bool
    }

    private let sink: DiagnosticSink
    private var root: [ConfigNode] = []
    private var stack: [Frame] = []
    private var reportedDepth = false
    /// The last statement of the current block, when it ended its line without a block (for `{` on the next line).
    private var lastStatementLine: (file: String, line: Int)?

    init(sink: DiagnosticSink) { self.sink = sink }

    mutating func add(line tokens: [Token]) {
        // Most lines are one statement with no brace: no need to split them.
        if let keyword = tokens.first, !tokens.contains(where: { $0.isOpenBrace || $0.isCloseBrace }) {
            append(ConfigNode(keyword: keyword, arguments: Array(tokens.dropFirst()), children: nil))
            lastStatementLine = (keyword.location.file, keyword.location.line)
            return
        }
        var statement: [Token] = []
        for token in tokens {
            if token.isOpenBrace {
                open(statement: statement, brace: token)
                statement = []
            } else if token.isCloseBrace {
                flush(&statement)
                close(token)
            } else {
                statement.append(token)
            }
        }
        flush(&statement)
    }

    /// The finished tree; reports every block still open at the end.
    mutating func finish() -> [ConfigNode] {
        while let frame = stack.last {
            sink.error(
                "'{' of '\(frame.keyword.text)' is never closed", at: frame.brace.location,
                expected: "a matching '}' before the end of the configuration")
            close(nil)
        }
        return root
    }

    private mutating func flush(_ statement: inout [Token]) {
        guard let keyword = statement.first else { return }
        append(ConfigNode(keyword: keyword, arguments: Array(statement.dropFirst()), children: nil))
        lastStatementLine = (keyword.location.file, keyword.location.line)
        statement = []
    }

    private mutating func append(_ node: ConfigNode) {
        if stack.isEmpty {
            root.append(node)
        } else if !stack[stack.count - 1].discarding {
            stack[stack.count - 1].children.append(node)
        }
    }

    private mutating func open(statement: [Token], brace: Token) {
        var keyword = statement.first
        var arguments = Array(statement.dropFirst())
        // `keyword` on one line and `{` alone on the next: the brace belongs to that statement.
        if keyword == nil, let previous = lastBlocklessStatement(before: brace) {
            keyword = previous.keyword
            arguments = previous.arguments
            removeLastStatement()
        }
        let parentDiscarding = stack.last?.discarding ?? false
        let tooDeep = stack.count >= Self.maxDepth
        if tooDeep && !reportedDepth && !parentDiscarding {
            reportedDepth = true
            sink.error(
                "blocks are nested deeper than \(Self.maxDepth) levels; the deeper content is ignored", at: brace.location,
                expected: "at most \(Self.maxDepth) nested blocks")
        }
        guard let keyword else {
            if !parentDiscarding {
                sink.error("'{' without a keyword before it", at: brace.location, expected: "'keyword {'")
            }
            stack.append(Frame(keyword: brace, arguments: [], brace: brace, discarding: true))
            return
        }
        stack.append(Frame(keyword: keyword, arguments: arguments, brace: brace, discarding: parentDiscarding || tooDeep))
        lastStatementLine = nil
    }

    private mutating func close(_ brace: Token?) {
        lastStatementLine = nil
        guard let frame = stack.popLast() else {
            if let brace {
                sink.error("unexpected '}' with no open block", at: brace.location, expected: "a '}' only to close a '{'")
            }
            return
        }
        guard !frame.discarding else { return }
        append(ConfigNode(keyword: frame.keyword, arguments: frame.arguments, children: frame.children))
    }

    private func lastBlocklessStatement(before brace: Token) -> ConfigNode? {
        guard let line = lastStatementLine, line.line < brace.location.line || line.file != brace.location.file else { return nil }
        let siblings = stack.last?.children ?? root
        guard let last = siblings.last, !last.hasBlock else { return nil }
        return last
    }

    private mutating func removeLastStatement() {
        if stack.isEmpty { root.removeLast() } else { stack[stack.count - 1].children.removeLast() }
    }
}
