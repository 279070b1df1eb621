import VigilCore

/// One word of a configuration line after quoting, substitution and comment removal.
public struct Token: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    public let location: SourceLocation
    /// True when any part of the word was quoted (so `{` in quotes is not a brace).
    public let quoted: Bool

    public init(_ text: String, at location: SourceLocation, quoted: Bool = false) {
        self.text = text
        self.location = location
        self.quoted = quoted
    }

    public var description: String { text }

    var isOpenBrace: Bool { !quoted && text.utf8.count == 1 && text.utf8.first == UInt8(ascii: "{") }
    var isCloseBrace: Bool { !quoted && text.utf8.count == 1 && text.utf8.first == UInt8(ascii: "}") }
}

/// A statement of the block tree: a keyword, its arguments and, for `keyword ... { ... }`, its children.
public struct ConfigNode: Sendable, CustomStringConvertible {
    public let keyword: Token
    public let arguments: [Token]
    /// nil when the statement has no block; empty for `keyword { }`.
    public let children: [ConfigNode]?

    public init(keyword: Token, arguments: [Token], children: [ConfigNode]?) {
        self.keyword = keyword
        self.arguments = arguments
        self.children = children
    }

    public var name: String { keyword.text }
    public var location: SourceLocation { keyword.location }
    public var hasBlock: Bool { children != nil }

    /// Keyword and arguments as written, for messages.
    public var line: String { ([keyword] + arguments).map(\.text).joined(separator: " ") }

    /// Where the first argument is, or the keyword when there is none.
    public var valueLocation: SourceLocation { arguments.first?.location ?? keyword.location }

    public var description: String {
        guard let children else { return line }
        return line + " { " + children.map(\.description).joined(separator: "; ") + " }"
    }
}
