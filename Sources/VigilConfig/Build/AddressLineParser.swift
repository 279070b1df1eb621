import VigilCore

/// Parses the lines of virtual_ipaddress, virtual_ipaddress_excluded and static_ipaddress:
/// `ADDRESS[/LENGTH] [brd ADDR|+|-] [dev IF] [scope S] [label L] [peer ADDR] [flags...]`.
struct AddressLineParser {
    let sink: DiagnosticSink
    /// The block name, for messages.
    let block: String
    /// static_ipaddress takes track_group; virtual addresses take use_vmac instead.
    let isStatic: Bool

    static let valueOptions = ["brd", "broadcast", "dev", "scope", "label", "peer", "preferred_lft", "track_group"]
    static let flagOptions = ["home", "-nodad", "mngtmpaddr", "noprefixroute", "autojoin", "no_track", "use_vmac"]

    /// Every line of `node`'s block.
    func parse(block node: ConfigNode) -> [AddressSpec] {
        if !node.arguments.isEmpty {
            sink.warning(
                "'\(node.name)' takes no arguments; '\(node.arguments[0].text)' is ignored", at: node.arguments[0].location,
                expected: "'\(node.name) {' followed by one address per line", keyword: node.name)
        }
        return (node.children ?? []).compactMap(parse(line:))
    }

    /// One line; nil when the address itself is unusable (reported).
    func parse(line node: ConfigNode) -> AddressSpec? {
        if node.hasBlock {
            sink.error(
                "'\(node.name)' in \(block) cannot have a block", at: node.location,
                expected: "one address per line, such as 192.0.2.10/24 dev eth0", keyword: block)
            return nil
        }
        guard var address = parseAddress(node.keyword) else { return nil }
        var fields = Fields()
        var cursor = OptionCursor(node.arguments)
        while let option = cursor.next() {
            parseOption(option, cursor: &cursor, address: address, fields: &fields)
        }
        var broadcast = fields.broadcast
        if let peer = fields.peer {
            if address.length != address.address.hostPrefixLength {
                sink.warning(
                    "the prefix length of \(node.keyword.text) is ignored because 'peer' is given", at: node.keyword.location,
                    expected: "the prefix length on the peer address, e.g. peer \(peer.address)/30", keyword: "peer")
                address = IPPrefix(address: address.address, length: address.address.hostPrefixLength)
            }
            if let brd = broadcast?.value {
                sink.warning(
                    "'brd' is ignored because 'peer' is given", at: brd,
                    expected: "either brd or peer, not both", keyword: "brd")
                broadcast = nil
            }
        }
        return AddressSpec(
            location: node.location, address: address, broadcast: broadcast.map(\.key), dev: fields.dev,
            scope: fields.scope, label: fields.label, peer: fields.peer, home: fields.flags.contains("home"),
            nodad: fields.flags.contains("-nodad"), mngtmpaddr: fields.flags.contains("mngtmpaddr"),
            noprefixroute: fields.flags.contains("noprefixroute"), autojoin: fields.flags.contains("autojoin"),
            noTrack: fields.flags.contains("no_track"), useVmac: fields.flags.contains("use_vmac"),
            preferredLft: fields.preferredLft, trackGroup: fields.trackGroup)
    }

    /// What the options of one line set; broadcast keeps where it was written for later warnings.
    private struct Fields {
        var broadcast: (key: AddressBroadcast, value: SourceLocation)?
        var dev: String?
        var scope: AddressScope?
        var label: String?
        var peer: IPPrefix?
        var flags: Set<String> = []
        var preferredLft: PreferredLifetime?
        var trackGroup: String?
    }

    private func parseAddress(_ token: Token) -> IPPrefix? {
        switch IPPrefix.parse(Substring(token.text)) {
        case .success(let prefix):
            return prefix
        case .failure(.badAddress):
            sink.error(
                "'\(token.text)' in \(block) is not an IP address", at: token.location,
                expected: "an address such as 192.0.2.10/24 or 2001:db8::10/64", keyword: block)
        case .failure(.badLength(let maximum)):
            sink.error(
                "'\(token.text)' in \(block) has an invalid prefix length", at: token.location,
                expected: "a prefix length from 0 to \(maximum)", keyword: block)
        }
        return nil
    }

    private func parseOption(_ option: Token, cursor: inout OptionCursor, address: IPPrefix, fields: inout Fields) {
        let what = "an address line of \(block)"
        switch option.text {
        case "brd", "broadcast":
            guard let token = cursor.value(for: option, expected: "an IPv4 address, '+' or '-'", sink: sink, in: what) else { return }
            guard case .v4 = address.address else {
                sink.warning("'\(option.text)' only applies to IPv4 addresses and is ignored", at: option.location, keyword: option.text)
                return
            }
            if token.text == "+" {
                fields.broadcast = (.setHostBits, option.location)
            } else if token.text == "-" {
                fields.broadcast = (.clearHostBits, option.location)
            } else if let v4 = IPv4Address(token.text) {
                fields.broadcast = (.address(v4), option.location)
            } else {
                sink.error(
                    "broadcast address '\(token.text)' is not valid", at: token.location,
                    expected: "an IPv4 address, '+' (host bits set) or '-' (host bits cleared)", keyword: option.text)
            }
        case "dev":
            guard let token = cursor.value(for: option, expected: "an interface name", sink: sink, in: what) else { return }
            fields.dev = AddressFields.interfaceName(token, what: "dev", sink: sink)
        case "scope":
            guard let token = cursor.value(for: option, expected: "a scope", sink: sink, in: what) else { return }
            fields.scope = AddressFields.scope(token, sink: sink)
        case "label":
            guard let token = cursor.value(for: option, expected: "a label such as eth0:1", sink: sink, in: what) else { return }
            if token.text.utf8.count > 15 {
                sink.error(
                    "label '\(token.text)' is longer than 15 characters", at: token.location,
                    expected: "a label of at most 15 characters such as eth0:1", keyword: "label")
            } else {
                fields.label = token.text
            }
        case "peer":
            guard let token = cursor.value(for: option, expected: "a peer address", sink: sink, in: what) else { return }
            guard let peer = ValueParser(sink: sink).prefix(token, what: "peer") else { return }
            if peer.address.family != address.address.family {
                sink.error(
                    "peer \(token.text) is not of the same family as \(address.address)", at: token.location,
                    expected: "an \(address.address.family == .ipv4 ? "IPv4" : "IPv6") peer address", keyword: "peer")
                return
            }
            fields.peer = peer
        case "preferred_lft":
            guard let token = cursor.value(for: option, expected: "a number of seconds or 'forever'", sink: sink, in: what) else { return }
            if token.text == "forever" {
                fields.preferredLft = .forever
            } else if let seconds = ValueParser(sink: sink).integer(token, in: 0...Int(UInt32.max - 1), what: "preferred_lft") {
                fields.preferredLft = .seconds(seconds)
            }
        case "track_group":
            guard let token = cursor.value(for: option, expected: "the name of a static_track_group", sink: sink, in: what) else { return }
            if isStatic {
                fields.trackGroup = token.text
            } else {
                sink.warning(
                    "'track_group' only applies to static_ipaddress and is ignored in \(block)", at: option.location,
                    expected: "no_track, or a static address with track_group", keyword: "track_group")
            }
        case "use_vmac" where isStatic:
            sink.warning("'use_vmac' only applies to virtual addresses and is ignored in \(block)", at: option.location, keyword: "use_vmac")
        case _ where Self.flagOptions.contains(option.text):
            fields.flags.insert(option.text)
        default:
            AddressFields.unknownOption(option, in: "\(block) line", known: Self.valueOptions + Self.flagOptions, sink: sink)
            // Its value, if any, belongs to the unknown option rather than being a second unknown word.
            if let next = cursor.peek, !Self.valueOptions.contains(next.text), !Self.flagOptions.contains(next.text) {
                _ = cursor.next()
            }
        }
    }
}
