import VigilCore

/// The fields of one route line while it is read.
struct RouteState {
    let location: SourceLocation
    let forcedIPv6: Bool
    var type = RouteType.unicast
    var destination: IPPrefix?
    var destinationToken: Token?
    var src: IPAddress?
    var from: IPPrefix?
    var via: IPAddress?
    var alternateGateway: IPAddress?
    var dev: String?
    var table: String?
    var metric: Int?
    var scope: AddressScope?
    var protocolName: String?
    var tos: Int?
    var onlink = false
    var nexthops: [RouteNexthop] = []
    var metrics: [RouteMetric] = []
    var pref: RoutePreference?
    var prefLocation: Token?
    var realms: String?
    var append = false
    var noTrack = false
    var trackGroup: String?
    /// The first address that fixed the family before the destination was read.
    var pendingFamily: (AddressFamily, Token)?

    init(location: SourceLocation, forcedIPv6: Bool) {
        self.location = location
        self.forcedIPv6 = forcedIPv6
    }

    var family: AddressFamily? { destination?.address.family ?? pendingFamily?.0 }

    mutating func setDestination(_ token: Token, sink: DiagnosticSink) {
        if let previous = destinationToken {
            sink.error(
                "route has two destinations, '\(previous.text)' and '\(token.text)'", at: token.location,
                expected: "one destination prefix per route", keyword: "to")
            return
        }
        destinationToken = token
        if token.text == "default" || token.text == "all" {
            let ipv6 = forcedIPv6 || pendingFamily?.0 == .ipv6
            destination = IPPrefix(address: ipv6 ? .v6(IPv6Address(high: 0, low: 0)) : .v4(IPv4Address(rawValue: 0)), length: 0)
            return
        }
        guard let prefix = ValueParser(sink: sink).prefix(token, what: "route destination") else { return }
        if let pending = pendingFamily, pending.0 != prefix.address.family {
            sink.error(
                "route mixes IPv4 and IPv6: '\(pending.1.text)' and destination '\(token.text)'", at: token.location,
                expected: "addresses of one family on a route line", keyword: "to")
        }
        destination = prefix
        if let masked = Self.masked(prefix), masked.address != prefix.address {
            sink.warning(
                "route destination \(token.text) has host bits set; the kernel refuses such routes", at: token.location,
                expected: "a network prefix", hint: "did you mean '\(masked)'?", keyword: "to")
        }
    }

    mutating func checkFamily(_ address: IPAddress, at token: Token, sink: DiagnosticSink) {
        guard let family else {
            pendingFamily = (address.family, token)
            return
        }
        if family != address.family {
            sink.error(
                "route mixes IPv4 and IPv6: '\(token.text)' on a route to \(destination.map(\.description) ?? "an address of the other family")",
                at: token.location, expected: "addresses of one family on a route line", keyword: token.text)
        }
    }

    /// The prefix with its host bits cleared.
    static func masked(_ prefix: IPPrefix) -> IPPrefix? {
        switch prefix.address {
        case .v4(let address):
            let mask: UInt32 = prefix.length == 0 ? 0 : ~UInt32(0) << (32 - prefix.length)
            return IPPrefix(address: .v4(IPv4Address(rawValue: address.rawValue & mask)), length: prefix.length)
        case .v6(let address):
            let highMask: UInt64 = prefix.length == 0 ? 0 : (prefix.length >= 64 ? ~0 : ~UInt64(0) << (64 - prefix.length))
            let lowMask: UInt64 = prefix.length <= 64 ? 0 : (prefix.length == 128 ? ~0 : ~UInt64(0) << (128 - prefix.length))
            return IPPrefix(address: .v6(IPv6Address(high: address.high & highMask, low: address.low & lowMask)), length: prefix.length)
        }
    }

    func finish(sink: DiagnosticSink, block: String) -> RouteSpec? {
        guard let destination else {
            if destinationToken == nil {
                sink.error(
                    "route in \(block) has no destination", at: location,
                    expected: "a destination prefix such as 198.51.100.0/24 or 'default'", keyword: block)
            }
            return nil
        }
        var nexthops = self.nexthops
        var via = self.via
        if let alternateGateway {
            if let first = via { nexthops.append(RouteNexthop(via: first, dev: nil, weight: nil, onlink: false)) }
            nexthops.append(RouteNexthop(via: alternateGateway, dev: nil, weight: nil, onlink: false))
            via = nil
        }
        var pref = self.pref
        if pref != nil, destination.address.family == .ipv4, let token = prefLocation {
            sink.warning("'pref' only applies to IPv6 routes and is ignored", at: token.location, keyword: "pref")
            pref = nil
        }
        return RouteSpec(
            location: location, type: type, to: destination, src: src, from: from, via: via, dev: dev, table: table,
            metric: metric, scope: scope, protocol: protocolName, tos: tos, onlink: onlink, nexthops: nexthops,
            metrics: metrics, pref: pref, realms: realms, append: append, noTrack: noTrack, trackGroup: trackGroup)
    }
}
