import VigilCore

/// Value ranges shared by the LVS readers, as keepalived enforces them.
enum LVSLimits {
    static let maxUInt32 = 4_294_967_295
    static let maxWeight = 2_147_483_647
    /// Timers such as delay_loop; keepalived allows far more, nobody needs more than a century.
    static let maxTimer: Double = 4_294_967_295
    static let maxConnectTimeout: Double = 4_294.967295
    /// Kernel limit for persistence timeouts (31 days).
    static let maxPersistenceTimeout = 2_678_400
    /// What a bare `persistence_timeout` means (6 minutes).
    static let defaultPersistenceTimeout = 360
    static let defaultDelayLoop = Seconds(60)
    static let defaultConnectTimeout = Seconds(5)
}

extension BlockReader {
    /// The last statement among keywords that mean the same thing (a keyword and its older alias).
    mutating func singleAlias(anyOf keywords: [String]) -> ConfigNode? {
        let nodes = keywords.flatMap { all($0) }.sorted { $0.location < $1.location }
        guard let last = nodes.last else { return nil }
        if nodes.count > 1 {
            let names = keywords.map { "'\($0)'" }.joined(separator: " or ")
            sink.warning(
                "\(names) is given \(nodes.count) times in \(context); the last one (line \(last.location.line)) is used",
                at: nodes[nodes.count - 2].location, keyword: last.name)
        }
        return last
    }

    /// One of a fixed set of words under either of two spellings (`lvs_sched`/`lb_algo`).
    mutating func choiceAlias<E: RawRepresentable & CaseIterable>(
        anyOf keywords: [String], as type: E.Type, caseInsensitive: Bool = false
    ) -> Located<E>? where E.RawValue == String {
        guard let node = singleAlias(anyOf: keywords),
            let token = value(of: node, expected: "one of \(E.allCases.map(\.rawValue).joined(separator: ", "))")
        else { return nil }
        extraArguments(node, allowed: 1)
        return parse.choice(token, as: type, what: node.name, caseInsensitive: caseInsensitive).map { Located($0, at: token.location) }
    }

    /// A timer that must be greater than zero (delay_loop, connect_timeout).
    mutating func positiveTimer(_ keyword: String, maximum: Double) -> Located<Seconds>? {
        guard let value = seconds(keyword, in: 0...maximum) else { return nil }
        guard value.value.microseconds > 0 else {
            sink.error(
                "\(keyword) 0 is out of range", at: value.location ?? location,
                expected: "a time in seconds greater than 0 and at most \(ValueParser.format(maximum))", keyword: keyword)
            return nil
        }
        return value
    }

    /// `lvs_method NAT|DR|TUN [type ipip|gue port N|gre] [nocsum|csum|remcsum]` under any of `keywords`.
    mutating func lvsMethod(anyOf keywords: [String]) -> (method: Located<LVSMethod>, tunnel: Located<LVSTunnel>?)? {
        guard let node = singleAlias(anyOf: keywords) else { return nil }
        return LVSMethodParser(sink: sink).parse(node)
    }

    /// A script keyword: `keyword COMMAND [USER [GROUP]]`.
    mutating func lvsNotifyScript(_ keyword: String) -> Located<LVSNotifyScript>? {
        guard let node = single(keyword), let command = value(of: node, expected: "a script path, quoted with its arguments") else {
            return nil
        }
        extraArguments(node, allowed: 3)
        let user = node.arguments.count > 1 ? node.arguments[1].text : nil
        let group = node.arguments.count > 2 ? node.arguments[2].text : nil
        return Located(LVSNotifyScript(command: command.text, user: user, group: group), at: command.location)
    }

    /// A port 1-65535 (checker connect_port, bind_port).
    mutating func checkerPort(_ keyword: String) -> Located<Int>? {
        integer(keyword, in: 1...65535)
    }
}

/// Reads `lvs_method`-style statements, including the tunnel options of TUN.
struct LVSMethodParser {
    let sink: DiagnosticSink

    func parse(_ node: ConfigNode) -> (method: Located<LVSMethod>, tunnel: Located<LVSTunnel>?)? {
        let parser = ValueParser(sink: sink)
        guard let token = node.arguments.first else {
            sink.error("'\(node.name)' needs a value", at: node.location, expected: "one of NAT, DR, TUN", keyword: node.name)
            return nil
        }
        guard let method = parser.choice(token, as: LVSMethod.self, what: node.name) else { return nil }
        let located = Located(method, at: token.location)
        let rest = Array(node.arguments.dropFirst())
        guard method == .tun else {
            if let extra = rest.first {
                sink.warning(
                    "'\(node.name) \(method.rawValue)' takes no options; extra '\(extra.text)' ignored", at: extra.location,
                    expected: "tunnel options only after TUN", keyword: node.name)
            }
            return (located, nil)
        }
        guard let first = rest.first else { return (located, nil) }
        return (located, tunnel(rest, keyword: node.name, at: first.location))
    }

    /// `type ipip|gue port N|gre [nocsum|csum|remcsum]`.
    private func tunnel(_ words: [Token], keyword: String, at location: SourceLocation) -> Located<LVSTunnel>? {
        let parser = ValueParser(sink: sink)
        let expected = "'type ipip', 'type gue port N' or 'type gre', optionally followed by nocsum, csum or remcsum"
        guard words[0].text == "type", words.count >= 2 else {
            sink.error("'\(keyword) TUN' options '\(words.map(\.text).joined(separator: " "))' are not valid", at: words[0].location, expected: expected, keyword: keyword)
            return nil
        }
        guard let type = parser.choice(words[1], as: LVSTunnelType.self, what: "tunnel type") else { return nil }
        var index = 2
        var port: Int?
        if index < words.count, words[index].text == "port" {
            guard index + 1 < words.count else {
                sink.error("tunnel 'port' needs a number", at: words[index].location, expected: "a port from 1 to 65535", keyword: keyword)
                return nil
            }
            guard let value = parser.integer(words[index + 1], in: 1...65535, what: "tunnel port") else { return nil }
            port = value
            index += 2
        }
        if type == .gue && port == nil {
            sink.error("a gue tunnel needs a port", at: words[1].location, expected: "'type gue port N'", keyword: keyword)
            return nil
        }
        if type != .gue, port != nil {
            sink.error("only gue tunnels take a port", at: words[1].location, expected: "'type \(type.rawValue)' without 'port'", keyword: keyword)
            return nil
        }
        var checksum: LVSTunnelChecksum?
        if index < words.count {
            guard let value = parser.choice(words[index], as: LVSTunnelChecksum.self, what: "tunnel checksum") else { return nil }
            if type == .ipip {
                sink.error("an ipip tunnel has no checksum option", at: words[index].location, expected: "a checksum option only with gue or gre", keyword: keyword)
                return nil
            }
            if type == .gre && value == .remcsum {
                sink.error("a gre tunnel does not support remcsum", at: words[index].location, expected: "nocsum or csum", keyword: keyword)
                return nil
            }
            checksum = value
            index += 1
        }
        if index < words.count {
            sink.warning("extra '\(words[index].text)' after the tunnel options is ignored", at: words[index].location, expected: expected, keyword: keyword)
        }
        return Located(LVSTunnel(type: type, port: port, checksum: checksum), at: location)
    }
}

/// Reads `IP [PORT]` after real_server and sorry_server.
struct LVSServerAddressParser {
    let sink: DiagnosticSink

    func parse(_ node: ConfigNode, defaultPort: Int) -> (address: Located<IPAddress>, port: Located<Int>)? {
        let parser = ValueParser(sink: sink)
        guard let first = node.arguments.first else {
            sink.error("'\(node.name)' needs an address", at: node.location, expected: "'\(node.name) IP [PORT]'", keyword: node.name)
            return nil
        }
        guard let address = parser.address(first, what: node.name) else { return nil }
        var port = Located<Int>.defaulted(defaultPort)
        if node.arguments.count > 1 {
            let token = node.arguments[1]
            guard let value = parser.port(token, what: "\(node.name) port") else { return nil }
            // keepalived reads port 0 as "no port": the virtual server's port applies.
            port = value == 0 ? .defaulted(defaultPort) : Located(value, at: token.location)
        }
        if node.arguments.count > 2 {
            let extra = node.arguments[2]
            sink.warning("'\(node.name)' takes an address and a port; extra '\(extra.text)' ignored", at: extra.location, keyword: node.name)
        }
        return (Located(address, at: first.location), port)
    }
}
