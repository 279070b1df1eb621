import VigilCore

/// Parses the lines of virtual_rules and static_rules: `ip rule add` selectors and one action, names in full.
struct StaticRuleParser {
    let sink: DiagnosticSink
    /// The block name, for messages.
    let block: String
    /// static_rules takes track_group.
    let isStatic: Bool

    static let valueOptions = [
        "from", "to", "priority", "preference", "order", "table", "lookup", "goto", "fwmark", "realms", "tos",
        "dsfield", "iif", "iifname", "oif", "oifname", "suppress_prefixlength", "suppress_ifgroup", "uidrange",
        "protocol", "ipproto", "sport", "dport", "track_group", "type",
    ]
    static let flagOptions = ["not", "nop", "l3mdev", "blackhole", "unreachable", "prohibit", "no_track", "inet", "inet6"]

    /// Every line of `node`'s block.
    func parse(block node: ConfigNode) -> [RuleSpec] {
        if !node.arguments.isEmpty {
            sink.warning(
                "'\(node.name)' takes no arguments; '\(node.arguments[0].text)' is ignored", at: node.arguments[0].location,
                expected: "'\(node.name) {' followed by one rule per line", keyword: node.name)
        }
        return (node.children ?? []).compactMap(parse(line:))
    }

    /// One line; nil when the rule is unusable (reported).
    func parse(line node: ConfigNode) -> RuleSpec? {
        if node.hasBlock {
            sink.error(
                "'\(node.name)' in \(block) cannot have a block", at: node.location,
                expected: "one rule per line, such as 'from 192.0.2.0/24 table 100 priority 100'", keyword: block)
            return nil
        }
        var state = RuleState()
        var cursor = OptionCursor([node.keyword] + node.arguments)
        while let option = cursor.next() {
            parseOption(option, cursor: &cursor, state: &state)
        }
        if state.skipped { return nil }
        guard let action = state.action else {
            sink.warning(
                "rule in \(block) has no action and is ignored", at: node.location,
                expected: "one of table, goto, nop, l3mdev, blackhole, unreachable, prohibit", keyword: block)
            return nil
        }
        if state.priority == nil {
            sink.warning(
                "rule in \(block) has no priority; one is picked for it, which is probably not what you want",
                at: node.location, expected: "'priority N' (also written preference or order)", keyword: "priority")
        }
        return RuleSpec(
            location: node.location, family: state.family ?? .ipv4, not: state.not, from: state.from, to: state.to,
            priority: state.priority, action: action, fwmark: state.fwmark, realms: state.realms, tos: state.tos,
            iif: state.iif, oif: state.oif, suppressPrefixlength: state.suppressPrefixlength,
            suppressIfgroup: state.suppressIfgroup, uidrange: state.uidrange, protocol: state.protocolName,
            ipProto: state.ipProto, sport: state.sport, dport: state.dport, noTrack: state.noTrack,
            trackGroup: state.trackGroup)
    }

    private func parseOption(_ option: Token, cursor: inout OptionCursor, state: inout RuleState) {
        let what = "a rule of \(block)"
        let parse = ValueParser(sink: sink)
        func value(_ expected: String) -> Token? { cursor.value(for: option, expected: expected, sink: sink, in: what) }
        switch option.text {
        case "from", "to":
            guard let token = value("a prefix or 'all'"), token.text != "all" else { return }
            // keepalived skips a rule with a bad address and carries on, so this is a warning, not an error.
            guard case .success(let prefix) = IPPrefix.parse(Substring(token.text)) else {
                sink.warning(
                    "\(option.text) '\(token.text)' is not an IP address; the rule is skipped", at: token.location,
                    expected: "an address such as 192.0.2.1/24 or 2001:db8::1/64", keyword: option.text)
                state.skipped = true
                return
            }
            state.setFamily(prefix.address.family, at: token, sink: sink)
            if option.text == "from" { state.from = prefix } else { state.to = prefix }
        case "priority", "preference", "order":
            if let token = value("a number") { state.priority = parse.integer(token, in: 0...Int(UInt32.max), what: option.text) }
        case "table", "lookup":
            if let token = value("a table number or name"), let table = AddressFields.table(token, what: option.text, sink: sink) {
                state.setAction(.table(table), at: option, sink: sink)
            }
        case "goto":
            if let token = value("the priority of another rule"), let target = parse.integer(token, in: 0...Int(UInt32.max), what: "goto") {
                state.setAction(.goto(target), at: option, sink: sink)
            }
        case "type":
            guard let token = value("blackhole, unreachable, prohibit or nop") else { return }
            if let action = Self.typeAction(token.text) {
                state.setAction(action, at: token, sink: sink)
            } else {
                let names = ["blackhole", "unreachable", "prohibit", "nop"]
                let hint = Suggestion.closest(to: token.text, among: names).map { "did you mean '\($0)'?" }
                sink.error("rule type '\(token.text)' is not valid", at: token.location, expected: "one of \(names.joined(separator: ", "))", hint: hint, keyword: "type")
            }
        case "nop", "l3mdev", "blackhole", "unreachable", "prohibit":
            if let action = Self.typeAction(option.text) { state.setAction(action, at: option, sink: sink) }
        case "fwmark":
            if let token = value("a mark such as 0x10 or 0x10/0xff") { state.fwmark = Self.mark(token, sink: sink) }
        case "realms":
            if let token = value("a realm or FROM/TO") {
                state.realms = AddressFields.nameOrNumber(token, what: "realms", expected: "a realm or FROM/TO realms", sink: sink)
            }
        case "tos", "dsfield":
            if let token = value("a number from 0 to 255") { state.tos = AddressFields.tos(token, what: option.text, sink: sink) }
        case "iif", "iifname":
            if let token = value("an interface name") { state.iif = AddressFields.interfaceName(token, what: "iif", sink: sink) }
        case "oif", "oifname":
            if let token = value("an interface name") { state.oif = AddressFields.interfaceName(token, what: "oif", sink: sink) }
        case "suppress_prefixlength":
            if let token = value("a prefix length") { state.suppressPrefixlength = parse.integer(token, in: 0...128, what: option.text) }
        case "suppress_ifgroup":
            if let token = value("an interface group") {
                state.suppressIfgroup = AddressFields.nameOrNumber(token, what: option.text, expected: "an interface group number or name", sink: sink)
            }
        case "uidrange":
            if let token = value("a range FIRST-LAST") { state.uidrange = Self.range(token, in: 0...Int(UInt32.max), what: "uidrange", sink: sink) }
        case "sport", "dport":
            if let token = value("a port or FIRST-LAST") { 
                let range = Self.range(token, in: 0...65535, what: option.text, sink: sink)
                if option.text == "sport" { state.sport = range } else { state.dport = range }
            }
        case "protocol":
            if let token = value("a protocol number or name") {
                state.protocolName = AddressFields.nameOrNumber(token, what: "protocol", expected: "a protocol number 0-255 or a name", sink: sink)
            }
        case "ipproto":
            if let token = value("an IP protocol such as tcp, udp or a number") {
                state.ipProto = AddressFields.nameOrNumber(token, what: "ipproto", expected: "an IP protocol name or number", sink: sink)
            }
        case "track_group":
            guard let token = value("the name of a static_track_group") else { return }
            if isStatic {
                state.trackGroup = token.text
            } else {
                sink.warning("'track_group' only applies to static_rules and is ignored in \(block)", at: option.location, keyword: "track_group")
            }
        case "not": state.not = true
        case "no_track": state.noTrack = true
        case "inet": state.setFamily(.ipv4, at: option, sink: sink)
        case "inet6": state.setFamily(.ipv6, at: option, sink: sink)
        default:
            let known = Self.valueOptions + Self.flagOptions
            AddressFields.unknownOption(option, in: "\(block) line", known: known, sink: sink)
            if let next = cursor.peek, !known.contains(next.text) { _ = cursor.next() }
        }
    }

    static func typeAction(_ word: String) -> RuleAction? {
        switch word {
        case "nop": .nop
        case "l3mdev": .l3mdev
        case "blackhole": .blackhole
        case "unreachable": .unreachable
        case "prohibit": .prohibit
        default: nil
        }
    }

    /// `MARK[/MASK]`, decimal or hex, 32 bits each.
    static func mark(_ token: Token, sink: DiagnosticSink) -> RuleMark? {
        let parts = token.text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let values = parts.map { ValueParser.parseInteger($0) }
        guard let first = values.first, let mark = first, (0...Int(UInt32.max)).contains(mark),
            values.count == 1 || values[1].map({ (0...Int(UInt32.max)).contains($0) }) == true
        else {
            sink.error("fwmark '\(token.text)' is not valid", at: token.location, expected: "a 32-bit mark with an optional mask, such as 0x10/0xff", keyword: "fwmark")
            return nil
        }
        let mask = values.count == 2 ? values[1].map { UInt32($0) } : nil
        return RuleMark(mark: UInt32(mark), mask: mask)
    }

    /// `N` or `FIRST-LAST` within `bounds`.
    static func range(_ token: Token, in bounds: ClosedRange<Int>, what: String, sink: DiagnosticSink) -> RuleRange? {
        let parts = token.text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        let numbers = parts.map { part in part.utf8.allSatisfy { $0 >= 48 && $0 <= 57 } ? Int(part) : nil }
        guard let first = numbers.first ?? nil, let last = numbers.last ?? nil, bounds.contains(first), bounds.contains(last), first <= last else {
            sink.error(
                "\(what) '\(token.text)' is not a valid range", at: token.location,
                expected: "a number or FIRST-LAST from \(bounds.lowerBound) to \(bounds.upperBound)", keyword: what)
            return nil
        }
        return RuleRange(first: first, last: last)
    }
}

/// The fields of one rule line while it is read.
private struct RuleState {
    var family: AddressFamily?
    var familyToken: Token?
    var not = false
    var from: IPPrefix?
    var to: IPPrefix?
    var priority: Int?
    var action: RuleAction?
    var fwmark: RuleMark?
    var realms: String?
    var tos: Int?
    var iif: String?
    var oif: String?
    var suppressPrefixlength: Int?
    var suppressIfgroup: String?
    var uidrange: RuleRange?
    var protocolName: String?
    var ipProto: String?
    var sport: RuleRange?
    var dport: RuleRange?
    var noTrack = false
    var trackGroup: String?
    /// Set when a part of the rule is unusable and keepalived would drop the whole rule.
    var skipped = false

    mutating func setFamily(_ newFamily: AddressFamily, at token: Token, sink: DiagnosticSink) {
        if let family, family != newFamily, let first = familyToken {
            sink.error(
                "rule mixes IPv4 and IPv6: '\(first.text)' and '\(token.text)'", at: token.location,
                expected: "addresses of one family on a rule line", keyword: token.text)
            return
        }
        family = newFamily
        familyToken = familyToken ?? token
    }

    mutating func setAction(_ newAction: RuleAction, at token: Token, sink: DiagnosticSink) {
        if let action, action != newAction {
            sink.warning(
                "rule has two actions, '\(action)' and '\(newAction)'; the last one is used", at: token.location,
                expected: "one action per rule", keyword: token.text)
        }
        action = newAction
    }
}
