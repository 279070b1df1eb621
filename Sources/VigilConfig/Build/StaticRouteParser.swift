import VigilCore

/// Parses the lines of virtual_routes and static_routes: `[TYPE] [to] PREFIX|default [option ...]`
/// with the option names of `ip route add` written in full.
struct StaticRouteParser {
    let sink: DiagnosticSink
    /// The block name, for messages.
    let block: String
    /// static_routes takes track_group.
    let isStatic: Bool

    /// Metrics that take a number (optionally after `lock`).
    static let numericMetrics = ["mtu", "advmss", "reordering", "window", "cwnd", "ssthresh", "initcwnd", "initrwnd", "hoplimit"]
    /// Metrics that take a time such as `300ms` or a number of milliseconds.
    static let timeMetrics = ["rtt", "rttvar", "rto_min"]
    /// Options that take one value and map onto typed fields.
    static let valueOptions = [
        "to", "src", "from", "via", "gw", "or", "dev", "oif", "table", "metric", "priority", "preference", "scope",
        "protocol", "tos", "dsfield", "pref", "realms", "nexthop", "track_group", "features", "quickack", "congctl",
        "fastopen_no_cookie",
    ]
    static let flagOptions = ["onlink", "append", "no_track", "inet", "inet6"]
    /// Options keepalived accepts that Vigil cannot apply: the whole route is left out.
    static let unsupportedOptions = ["encap": "route encapsulation", "vrf": "VRF routes", "expires": "expiring routes", "ttl-propagate": "MPLS TTL propagation"]

    static var knownOptions: [String] {
        valueOptions + flagOptions + numericMetrics + timeMetrics + Array(unsupportedOptions.keys) + RouteType.allCases.map(\.rawValue)
    }

    /// Every line of `node`'s block.
    func parse(block node: ConfigNode) -> [RouteSpec] {
        if !node.arguments.isEmpty {
            sink.warning(
                "'\(node.name)' takes no arguments; '\(node.arguments[0].text)' is ignored", at: node.arguments[0].location,
                expected: "'\(node.name) {' followed by one route per line", keyword: node.name)
        }
        return (node.children ?? []).compactMap(parse(line:))
    }

    /// One line; nil when the route is unusable (reported).
    func parse(line node: ConfigNode) -> RouteSpec? {
        if node.hasBlock {
            sink.error(
                "'\(node.name)' in \(block) cannot have a block", at: node.location,
                expected: "one route per line, such as 198.51.100.0/24 via 192.0.2.1", keyword: block)
            return nil
        }
        var state = RouteState(location: node.location, forcedIPv6: ([node.keyword] + node.arguments).contains { $0.text == "inet6" })
        var cursor = OptionCursor([node.keyword] + node.arguments)
        if let first = cursor.peek, let type = RouteType(rawValue: first.text) {
            state.type = type
            _ = cursor.next()
        }
        while let token = cursor.next() {
            guard parseOption(token, cursor: &cursor, state: &state) else { return nil }
        }
        return state.finish(sink: sink, block: block)
    }

    /// Applies one option; false when the route must be dropped.
    private func parseOption(_ option: Token, cursor: inout OptionCursor, state: inout RouteState) -> Bool {
        let what = "a route of \(block)"
        func value(_ expected: String) -> Token? { cursor.value(for: option, expected: expected, sink: sink, in: what) }
        switch option.text {
        case "to":
            if let token = value("a destination prefix") { state.setDestination(token, sink: sink) }
        case "src":
            if let token = value("a source address"), let address = ValueParser(sink: sink).address(token, what: "src") {
                state.src = address
                state.checkFamily(address, at: token, sink: sink)
            }
        case "from":
            if let token = value("a source prefix"), let prefix = ValueParser(sink: sink).prefix(token, what: "from") {
                state.from = prefix
                state.checkFamily(prefix.address, at: token, sink: sink)
            }
        case "via", "gw":
            if option.text == "gw" {
                sink.warning("'gw' is deprecated", at: option.location, expected: "'via'", keyword: "gw")
            }
            var crossFamily = false
            if cursor.take("inet") { crossFamily = false } else if cursor.take("inet6") { crossFamily = true }
            if let token = value("a gateway address"), let address = ValueParser(sink: sink).address(token, what: option.text) {
                state.via = address
                if !crossFamily { state.checkFamily(address, at: token, sink: sink) }
            }
        case "or":
            sink.warning("'or' is deprecated; the two gateways become nexthops", at: option.location, expected: "'nexthop via ADDR nexthop via ADDR'", keyword: "or")
            if let token = value("a second gateway address"), let address = ValueParser(sink: sink).address(token, what: "or") {
                state.checkFamily(address, at: token, sink: sink)
                state.alternateGateway = address
            }
        case "dev", "oif":
            if let token = value("an interface name") { state.dev = AddressFields.interfaceName(token, what: "dev", sink: sink) }
        case "table":
            if let token = value("a table number or name") { state.table = AddressFields.table(token, what: "table", sink: sink) }
        case "metric", "priority", "preference":
            if let token = value("a number") {
                state.metric = ValueParser(sink: sink).integer(token, in: 0...Int(UInt32.max), what: option.text)
            }
        case "scope":
            if let token = value("a scope") { state.scope = AddressFields.scope(token, sink: sink) }
        case "protocol":
            if let token = value("a protocol number or name") {
                state.protocolName = AddressFields.nameOrNumber(token, what: "protocol", expected: "a protocol number 0-255 or a name such as static", sink: sink)
            }
        case "tos", "dsfield":
            if let token = value("a number from 0 to 255") { state.tos = AddressFields.tos(token, what: option.text, sink: sink) }
        case "pref":
            if let token = value("low, medium or high") {
                state.pref = ValueParser(sink: sink).choice(token, as: RoutePreference.self, what: "pref")
                state.prefLocation = option
            }
        case "realms":
            if let token = value("a realm or FROM/TO") {
                state.realms = AddressFields.nameOrNumber(token, what: "realms", expected: "a realm or FROM/TO realms", sink: sink)
            }
        case "nexthop":
            parseNexthop(option, cursor: &cursor, state: &state)
        case "track_group":
            guard let token = value("the name of a static_track_group") else { break }
            if isStatic {
                state.trackGroup = token.text
            } else {
                sink.warning("'track_group' only applies to static_routes and is ignored in \(block)", at: option.location, keyword: "track_group")
            }
        case "onlink": state.onlink = true
        case "append": state.append = true
        case "no_track": state.noTrack = true
        case "inet", "inet6": break
        case "features":
            if let token = value("ecn") {
                if token.text == "ecn" {
                    state.metrics.append(RouteMetric(name: "features", value: "ecn", lock: false))
                } else {
                    sink.error("features '\(token.text)' is not valid", at: token.location, expected: "ecn", keyword: "features")
                }
            }
        case "quickack", "fastopen_no_cookie":
            if let token = value("0 or 1"), let number = ValueParser(sink: sink).integer(token, in: 0...1, what: option.text) {
                state.metrics.append(RouteMetric(name: option.text, value: String(number), lock: false))
            }
        case "congctl":
            let lock = cursor.take("lock")
            if let token = value("a congestion control algorithm such as cubic") {
                state.metrics.append(RouteMetric(name: "congctl", value: token.text, lock: lock))
            }
        case _ where Self.numericMetrics.contains(option.text):
            let lock = cursor.take("lock")
            if let token = value("a number"), let number = ValueParser(sink: sink).integer(token, in: 0...Int(UInt32.max), what: option.text) {
                state.metrics.append(RouteMetric(name: option.text, value: String(number), lock: lock))
            }
        case _ where Self.timeMetrics.contains(option.text):
            let lock = cursor.take("lock")
            if let token = value("a time such as 300ms, or milliseconds") {
                if Self.isTime(token.text) {
                    state.metrics.append(RouteMetric(name: option.text, value: token.text, lock: lock))
                } else {
                    sink.error("\(option.text) '\(token.text)' is not a time", at: token.location, expected: "milliseconds, or a number with ms, s, msec, sec, usec or ns", keyword: option.text)
                }
            }
        case _ where Self.unsupportedOptions[option.text] != nil:
            sink.warning(
                "\(Self.unsupportedOptions[option.text] ?? option.text) ('\(option.text)') are not supported; this route is ignored",
                at: option.location, keyword: option.text)
            return false
        default:
            if state.destination == nil, !RouteType.allCases.contains(where: { $0.rawValue == option.text }) {
                state.setDestination(option, sink: sink)
            } else {
                AddressFields.unknownOption(option, in: "\(block) line", known: Self.knownOptions, sink: sink)
                if let next = cursor.peek, !Self.knownOptions.contains(next.text) { _ = cursor.next() }
            }
        }
        return true
    }

    private func parseNexthop(_ option: Token, cursor: inout OptionCursor, state: inout RouteState) {
        let what = "a nexthop of \(block)"
        var via: IPAddress?
        var dev: String?
        var weight: Int?
        var onlink = false
        var sawAny = false
        loop: while let token = cursor.peek {
            switch token.text {
            case "via":
                _ = cursor.next()
                _ = cursor.take("inet") || cursor.take("inet6")
                if let value = cursor.value(for: token, expected: "a gateway address", sink: sink, in: what),
                    let address = ValueParser(sink: sink).address(value, what: "via") {
                    via = address
                }
            case "dev":
                _ = cursor.next()
                if let value = cursor.value(for: token, expected: "an interface name", sink: sink, in: what) {
                    dev = AddressFields.interfaceName(value, what: "dev", sink: sink)
                }
            case "weight":
                _ = cursor.next()
                if let value = cursor.value(for: token, expected: "a number from 1 to 256", sink: sink, in: what) {
                    weight = ValueParser(sink: sink).integer(value, in: 1...256, what: "weight")
                }
            case "onlink":
                _ = cursor.next()
                onlink = true
            default:
                break loop
            }
            sawAny = true
        }
        guard sawAny else {
            sink.error("'nexthop' has no gateway or device", at: option.location, expected: "'nexthop via ADDRESS [dev IF] [weight N] [onlink]'", keyword: "nexthop")
            return
        }
        state.nexthops.append(RouteNexthop(via: via, dev: dev, weight: weight, onlink: onlink))
    }

    /// Milliseconds, or a number with one of the units `ip route` accepts.
    static func isTime(_ text: String) -> Bool {
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
        guard !digits.isEmpty, ValueParser.parseDecimal(String(digits)) != nil else { return false }
        let unit = text.dropFirst(digits.count)
        return ["", "s", "sec", "secs", "ms", "msec", "msecs", "us", "usec", "usecs", "ns", "nsec", "nsecs"].contains(String(unit))
    }
}
