import VigilCore

/// Readers for value shapes the global and tracking blocks share and `BlockReader` has no accessor for.
enum SectionReading {
    /// keepalived reads these timers as whole seconds (an integer), not as a fractional <TIMER>.
    static func wholeSeconds(_ reader: inout BlockReader, _ keyword: String, in range: ClosedRange<Int>) -> Located<Seconds>? {
        reader.integer(keyword, in: range).map { $0.map(seconds) }
    }

    static func seconds(_ whole: Int) -> Seconds { Seconds(microseconds: Int64(whole) * 1_000_000) }

    /// A flag keepalived treats as "not set" (rather than false) when it is absent.
    static func optionalFlag(_ reader: inout BlockReader, _ keyword: String) -> Located<Bool>? {
        let value = reader.flag(keyword)
        return value.isExplicit ? value : nil
    }

    /// For keywords where keepalived keeps the first occurrence and ignores later ones.
    static func first(_ reader: inout BlockReader, _ keyword: String) -> ConfigNode? {
        let nodes = reader.all(keyword)
        guard let first = nodes.first else { return nil }
        for extra in nodes.dropFirst() {
            reader.sink.warning(
                "'\(keyword)' is given again in \(reader.context) and ignored; the first one (line \(first.location.line)) is used",
                at: extra.location, keyword: keyword)
        }
        return first
    }

    /// A keyword that also has deprecated spellings: every spelling is accepted, the last one written wins.
    static func latest(_ reader: inout BlockReader, _ keyword: String, deprecated aliases: [String]) -> ConfigNode? {
        var nodes = reader.all(keyword)
        for alias in aliases {
            for node in reader.all(alias) {
                reader.sink.warning(
                    "'\(alias)' is a deprecated spelling", at: node.location, expected: "'\(keyword)'",
                    hint: "write '\(keyword)' instead", keyword: alias)
                nodes.append(node)
            }
        }
        let order = Dictionary(reader.statements.enumerated().map { ($0.element.location, $0.offset) }, uniquingKeysWith: { first, _ in first })
        nodes.sort { (order[$0.location] ?? 0) < (order[$1.location] ?? 0) }
        guard let last = nodes.last else { return nil }
        if nodes.count > 1 {
            reader.sink.warning(
                "'\(keyword)' is given \(nodes.count) times in \(reader.context); the last one (line \(last.location.line)) is used",
                at: nodes[nodes.count - 2].location, keyword: keyword)
        }
        return last
    }

    /// The NAME in `keyword NAME { ... }`: missing is an error, extra words are warned about.
    static func blockName(_ node: ConfigNode, sink: DiagnosticSink) -> Located<String>? {
        guard let token = node.arguments.first else {
            sink.error("'\(node.name)' has no name", at: node.location, expected: "'\(node.name) NAME { ... }'", keyword: node.name)
            return nil
        }
        if node.arguments.count > 1 {
            let extra = node.arguments[1]
            sink.warning("'\(node.name) \(token.text)' takes one name; extra '\(extra.text)' ignored", at: extra.location, keyword: node.name)
        }
        return Located(token.text, at: token.location)
    }

    /// `weight N [reverse]`: nil when the weight is missing or invalid (already reported).
    static func weight(
        _ node: ConfigNode, in range: ClosedRange<Int>, sink: DiagnosticSink
    ) -> (weight: Located<Int>, reverse: Located<Bool>)? {
        let parse = ValueParser(sink: sink)
        guard let token = node.arguments.first else {
            sink.error(
                "'weight' needs a value", at: node.location,
                expected: "an integer from \(range.lowerBound) to \(range.upperBound), optionally followed by 'reverse'", keyword: "weight")
            return nil
        }
        guard let value = parse.integer(token, in: range, what: "weight") else { return nil }
        var reverse = Located(false, at: nil)
        if node.arguments.count > 1 {
            let option = node.arguments[1]
            if option.text == "reverse" {
                reverse = Located(true, at: option.location)
            } else {
                let hint = Suggestion.closest(to: option.text, among: ["reverse"]).map { "did you mean '\($0)'?" }
                sink.error("weight option '\(option.text)' is not valid", at: option.location, expected: "'reverse' or nothing", hint: hint, keyword: "weight")
            }
        }
        if node.arguments.count > 2 {
            let extra = node.arguments[2]
            sink.warning("'weight' takes a value and 'reverse'; extra '\(extra.text)' ignored", at: extra.location, keyword: "weight")
        }
        return (Located(value, at: token.location), reverse)
    }

    /// `USER [GROUP]` starting at `start` in the node's arguments; more words are warned about.
    static func userAndGroup(
        _ node: ConfigNode, from start: Int, sink: DiagnosticSink
    ) -> (user: Located<String>?, group: Located<String>?) {
        let arguments = node.arguments
        let user = arguments.indices.contains(start) ? Located(arguments[start].text, at: arguments[start].location) : nil
        let group = arguments.indices.contains(start + 1) ? Located(arguments[start + 1].text, at: arguments[start + 1].location) : nil
        if arguments.count > start + 2 {
            let extra = arguments[start + 2]
            sink.warning("'\(node.name)' takes at most a user and a group; extra '\(extra.text)' ignored", at: extra.location, keyword: node.name)
        }
        return (user, group)
    }

    /// Warns about a second definition with the same name: keepalived keeps both but every lookup finds the first.
    static func warnDuplicateNames<Item>(
        _ items: [Item], keyword: String, name: (Item) -> Located<String>, sink: DiagnosticSink
    ) {
        var firstLine: [String: Int] = [:]
        for item in items {
            let located = name(item)
            guard let location = located.location else { continue }
            if let line = firstLine[located.value] {
                sink.warning(
                    "\(keyword) '\(located.value)' is defined again; the first definition (line \(line)) is the one used",
                    at: location, hint: "rename or remove one of them", keyword: keyword)
            } else {
                firstLine[located.value] = location.line
            }
        }
    }

    /// Only the first definition of each name, as keepalived's lookups see them.
    static func firstByName<Item>(_ items: [Item], name: (Item) -> String) -> [String: Item] {
        var table: [String: Item] = [:]
        for item in items where table[name(item)] == nil { table[name(item)] = item }
        return table
    }
}
