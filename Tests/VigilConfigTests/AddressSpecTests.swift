import Testing
import VigilConfig
import VigilCore

/// An instance whose block `block` holds `lines`; the first of them is on line 6.
private func loadBlock(_ block: String, _ lines: [String], vip: String = "192.0.2.100/24") -> LoadResult {
    var text = "vrrp_instance VI_1 {\n    state BACKUP\n    interface eth0\n    virtual_router_id 51\n    \(block) {\n"
    text += lines.map { "        " + $0 + "\n" }.joined() + "    }\n"
    if block != "virtual_ipaddress" { text += "    virtual_ipaddress {\n        \(vip)\n    }\n" }
    return ConfigLoader.load(text: text + "}\n")
}

private func finding(_ result: LoadResult, _ severity: Severity, _ fragment: String) -> Diagnostic? {
    result.diagnostics.all.first { $0.severity == severity && $0.message.contains(fragment) }
}

private func shown(_ result: LoadResult) -> String { result.diagnostics.all.map(\.description).joined(separator: "\n") }

private func addresses(_ result: LoadResult) -> [AddressSpec] { result.configuration.vrrp.vrrpInstances.first?.virtualIpaddress ?? [] }
private func routes(_ result: LoadResult) -> [RouteSpec] { result.configuration.vrrp.vrrpInstances.first?.virtualRoutes ?? [] }
private func rules(_ result: LoadResult) -> [RuleSpec] { result.configuration.vrrp.vrrpInstances.first?.virtualRules ?? [] }

@Suite("Address, route and rule lines of virtual_* and static_* blocks")
struct AddressSpecTests {
    // MARK: Addresses

    @Test("every address option is read")
    func addressOptions() throws {
        let result = loadBlock("virtual_ipaddress", [
            "192.0.2.10/24 brd 192.0.2.255 dev eth1 scope link label eth1:vip -nodad noprefixroute no_track",
            "192.0.2.11/24 broadcast + home autojoin mngtmpaddr use_vmac preferred_lft forever",
            "192.0.2.12/24 brd - scope 200 preferred_lft 30",
        ])
        #expect(result.diagnostics.all.isEmpty, "\(shown(result))")
        let specs = addresses(result)
        try #require(specs.count == 3)
        #expect(specs[0].location.line == 6)
        #expect(specs[0].broadcast == .address(IPv4Address(192, 0, 2, 255)))
        #expect(specs[0].dev == "eth1")
        #expect(specs[0].scope == .link)
        #expect(specs[0].label == "eth1:vip")
        #expect(specs[0].nodad && specs[0].noprefixroute && specs[0].noTrack)
        #expect(!specs[0].home && !specs[0].useVmac)
        #expect(specs[1].broadcast == .setHostBits)
        #expect(specs[1].home && specs[1].autojoin && specs[1].mngtmpaddr && specs[1].useVmac)
        #expect(specs[1].preferredLft == .forever)
        #expect(specs[2].broadcast == .clearHostBits)
        #expect(specs[2].scope == .site)
        #expect(specs[2].preferredLft == .seconds(30))
    }

    @Test("malformed addresses and masks are errors at the token")
    func badAddresses() {
        let result = loadBlock("virtual_ipaddress", ["192.0.2.300/24", "192.0.2.10/33", "2001:db8::1/129", "192.0.2.7-9", "192.0.2.20/24"])
        #expect(finding(result, .error, "'192.0.2.300/24' in virtual_ipaddress is not an IP address")?.location.line == 6, "\(shown(result))")
        let mask = finding(result, .error, "'192.0.2.10/33' in virtual_ipaddress has an invalid prefix length")
        #expect(mask?.location.line == 7)
        #expect(mask?.expected == "a prefix length from 0 to 32")
        #expect(finding(result, .error, "'2001:db8::1/129'")?.expected == "a prefix length from 0 to 128")
        #expect(finding(result, .error, "'192.0.2.7-9' in virtual_ipaddress is not an IP address")?.location.line == 9)
        #expect(addresses(result).map(\.address.description) == ["192.0.2.20/24"])
    }

    @Test("an option without its value is an error at the option")
    func missingValue() {
        let result = loadBlock("virtual_ipaddress", ["192.0.2.10/24 dev"])
        let error = finding(result, .error, "'dev' in an address line of virtual_ipaddress needs a value")
        #expect(error?.location.line == 6, "\(shown(result))")
        #expect(error?.location.column == 23)
    }

    @Test("an unknown option warns with a did-you-mean and the line is kept")
    func unknownOption() {
        let result = loadBlock("virtual_ipaddress", ["192.0.2.10/24 nodad dev eth0"])
        let warning = finding(result, .warning, "unknown option 'nodad' in virtual_ipaddress line is ignored")
        #expect(warning?.location.line == 6, "\(shown(result))")
        #expect(warning?.hint == "did you mean '-nodad'?")
        #expect(addresses(result).first?.dev == "eth0")
    }

    @Test("bad scope, long label and long dev are errors")
    func badFields() {
        let result = loadBlock("virtual_ipaddress", [
            "192.0.2.10/24 scope galaxy", "192.0.2.11/24 label averyveryverylonglabel", "192.0.2.12/24 dev averyveryverylongdev",
            "192.0.2.13/24 scope lnik",
        ])
        #expect(finding(result, .error, "scope 'galaxy' is not valid")?.location.line == 6, "\(shown(result))")
        #expect(finding(result, .error, "label 'averyveryverylonglabel' is longer than 15 characters")?.location.line == 7)
        #expect(finding(result, .error, "dev 'averyveryverylongdev' is longer than 15 characters")?.location.line == 8)
        #expect(finding(result, .error, "scope 'lnik' is not valid")?.hint == "did you mean 'link'?")
    }

    @Test("peer drops the local prefix length and a broadcast address, as keepalived does")
    func peerAddress() throws {
        let result = loadBlock("virtual_ipaddress", ["192.0.2.10/24 brd 192.0.2.255 peer 192.0.2.77/30", "192.0.2.11 peer 2001:db8::1"])
        #expect(finding(result, .warning, "the prefix length of 192.0.2.10/24 is ignored")?.location.line == 6, "\(shown(result))")
        #expect(finding(result, .warning, "'brd' is ignored because 'peer' is given")?.location.line == 6)
        #expect(finding(result, .error, "peer 2001:db8::1 is not of the same family")?.location.line == 7)
        let spec = try #require(addresses(result).first)
        #expect(spec.address.description == "192.0.2.10/32")
        #expect(spec.peer?.description == "192.0.2.77/30")
        #expect(spec.broadcast == nil)
    }

    @Test("brd on an IPv6 address and track_group on a VIP are ignored with warnings")
    func ignoredOptions() {
        let result = loadBlock("virtual_ipaddress", ["2001:db8::10/64 brd + track_group G1"])
        #expect(finding(result, .warning, "'brd' only applies to IPv4 addresses")?.location.line == 6, "\(shown(result))")
        #expect(finding(result, .warning, "'track_group' only applies to static_ipaddress")?.location.line == 6)
    }

    @Test("static_ipaddress lines default to no dev and accept track_group")
    func staticAddress() throws {
        let result = ConfigLoader.load(text: "static_ipaddress {\n    192.0.2.50/24 track_group G1 use_vmac\n}\n")
        let spec = try #require(result.configuration.vrrp.staticIpaddresses.first)
        #expect(spec.trackGroup == "G1")
        #expect(spec.dev == nil)
        #expect(!spec.useVmac)
        #expect(finding(result, .warning, "'use_vmac' only applies to virtual addresses")?.location.line == 2, "\(shown(result))")
    }

    // MARK: Routes

    @Test("route lines read type, gateway, device, table, metric and metrics")
    func routeOptions() throws {
        let result = loadBlock("virtual_routes", [
            "src 192.0.2.100 to 198.51.100.0/24 via 192.0.2.1 dev eth0 table 100 metric 5 scope link protocol static",
            "blackhole 203.0.113.0/24",
            "default via 192.0.2.1 mtu lock 1400 rtt 300ms congctl cubic features ecn append no_track onlink",
            "198.51.100.128/25 nexthop via 192.0.2.1 dev eth0 weight 2 nexthop via 192.0.2.2 weight 3 onlink",
        ])
        #expect(result.diagnostics.all.isEmpty, "\(shown(result))")
        let specs = routes(result)
        try #require(specs.count == 4)
        #expect(specs[0].location.line == 6)
        #expect(specs[0].type == .unicast)
        #expect(specs[0].src?.description == "192.0.2.100")
        #expect(specs[0].to.description == "198.51.100.0/24")
        #expect(specs[0].via?.description == "192.0.2.1")
        #expect(specs[0].dev == "eth0")
        #expect(specs[0].table == "100")
        #expect(specs[0].metric == 5)
        #expect(specs[0].scope == .link)
        #expect(specs[0].protocol == "static")
        #expect(specs[1].type == .blackhole)
        #expect(specs[1].to.description == "203.0.113.0/24")
        #expect(specs[2].to.description == "0.0.0.0/0")
        #expect(specs[2].metrics == [
            RouteMetric(name: "mtu", value: "1400", lock: true), RouteMetric(name: "rtt", value: "300ms", lock: false),
            RouteMetric(name: "congctl", value: "cubic", lock: false), RouteMetric(name: "features", value: "ecn", lock: false),
        ])
        #expect(specs[2].append && specs[2].noTrack && specs[2].onlink)
        #expect(specs[3].nexthops == [
            RouteNexthop(via: IPAddress("192.0.2.1"), dev: "eth0", weight: 2, onlink: false),
            RouteNexthop(via: IPAddress("192.0.2.2"), dev: nil, weight: 3, onlink: true),
        ])
    }

    @Test("IPv6 routes, default with inet6, and pref")
    func ipv6Routes() throws {
        let result = loadBlock("virtual_routes", ["2001:db8:5::/48 via 2001:db8::1 dev eth0 pref high", "inet6 default via fe80::1 dev eth0"], vip: "2001:db8::100/64")
        #expect(result.diagnostics.all.isEmpty, "\(shown(result))")
        let specs = routes(result)
        #expect(specs.first?.pref == .high)
        #expect(specs.last?.to.description == "::/0")
        #expect(specs.last?.family == .ipv6)
    }

    @Test("deprecated gw and or are accepted with warnings; or becomes nexthops")
    func deprecatedGateways() throws {
        let result = loadBlock("virtual_routes", ["198.51.100.0/24 gw 192.0.2.1", "198.51.100.0/25 via 192.0.2.1 or 192.0.2.2 dev eth0"])
        #expect(finding(result, .warning, "'gw' is deprecated")?.location.line == 6, "\(shown(result))")
        #expect(finding(result, .warning, "'or' is deprecated")?.location.line == 7)
        let specs = routes(result)
        #expect(specs.first?.via?.description == "192.0.2.1")
        #expect(specs.last?.via == nil)
        #expect(specs.last?.nexthops.compactMap(\.via).map(\.description) == ["192.0.2.1", "192.0.2.2"])
    }

    @Test("route errors: mixed families, no destination, bad prefix, unknown option")
    func routeErrors() {
        let result = loadBlock("virtual_routes", [
            "198.51.100.0/24 via 2001:db8::1", "via 192.0.2.1 dev eth0", "198.51.100.0/33 dev eth0",
            "198.51.100.0/24 via 192.0.2.1 proto static", "198.51.100.1/24 dev eth0", "198.51.100.0/24 pref high dev eth0",
            "198.51.100.0/24 encap mpls 200 via 192.0.2.1",
        ])
        #expect(finding(result, .error, "route mixes IPv4 and IPv6: '2001:db8::1'")?.location.line == 6, "\(shown(result))")
        #expect(finding(result, .error, "route in virtual_routes has no destination")?.location.line == 7)
        #expect(finding(result, .error, "route destination '198.51.100.0/33' has an invalid prefix length")?.location.line == 8)
        let proto = finding(result, .warning, "unknown option 'proto' in virtual_routes line is ignored")
        #expect(proto?.location.line == 9)
        #expect(proto?.hint == "did you mean 'protocol'?")
        let hostBits = finding(result, .warning, "route destination 198.51.100.1/24 has host bits set")
        #expect(hostBits?.location.line == 10)
        #expect(hostBits?.hint == "did you mean '198.51.100.0/24'?")
        #expect(finding(result, .warning, "'pref' only applies to IPv6 routes")?.location.line == 11)
        #expect(finding(result, .warning, "('encap') are not supported; this route is ignored")?.location.line == 12)
        #expect(!routes(result).contains { $0.location.line == 12 })
    }

    @Test("static_routes accept track_group; virtual_routes ignore it with a warning")
    func routeTrackGroup() throws {
        let result = ConfigLoader.load(text: "static_routes {\n    198.51.100.0/24 dev eth0 track_group G1\n}\n")
        #expect(try #require(result.configuration.vrrp.staticRoutes.first).trackGroup == "G1")
        let virtual = loadBlock("virtual_routes", ["198.51.100.0/24 dev eth0 track_group G1"])
        #expect(finding(virtual, .warning, "'track_group' only applies to static_routes")?.location.line == 6, "\(shown(virtual))")
    }

    // MARK: Rules

    @Test("rule lines read selectors and the action")
    func ruleOptions() throws {
        let result = loadBlock("virtual_rules", [
            "from 192.0.2.0/24 table 100 priority 100",
            "not to 198.51.100.0/24 lookup main preference 101 fwmark 0x10/0xff iif eth0 oif eth1 tos 4",
            "from all priority 102 ipproto udp sport 10-20 dport 53 uidrange 1000-1999 goto 200",
            "from all priority 103 type blackhole",
            "inet6 from all priority 104 suppress_prefixlength 0 protocol 5 realms 3/4 nop",
        ])
        #expect(result.diagnostics.all.isEmpty, "\(shown(result))")
        let specs = rules(result)
        try #require(specs.count == 5)
        #expect(specs[0].location.line == 6)
        #expect(specs[0].from?.description == "192.0.2.0/24")
        #expect(specs[0].action == .table("100"))
        #expect(specs[0].priority == 100)
        #expect(specs[0].family == .ipv4)
        #expect(specs[1].not)
        #expect(specs[1].action == .table("main"))
        #expect(specs[1].fwmark == RuleMark(mark: 0x10, mask: 0xff))
        #expect(specs[1].iif == "eth0" && specs[1].oif == "eth1" && specs[1].tos == 4)
        #expect(specs[2].from == nil)
        #expect(specs[2].sport == RuleRange(first: 10, last: 20))
        #expect(specs[2].dport == RuleRange(first: 53, last: 53))
        #expect(specs[2].uidrange == RuleRange(first: 1000, last: 1999))
        #expect(specs[2].ipProto == "udp")
        #expect(specs[2].action == .goto(200))
        #expect(specs[3].action == .blackhole)
        #expect(specs[4].family == .ipv6)
        #expect(specs[4].action == .nop)
        #expect(specs[4].suppressPrefixlength == 0)
    }

    @Test("rule problems: no action, no priority, mixed families, bad values, unknown options")
    func ruleErrors() {
        let result = loadBlock("virtual_rules", [
            "from 192.0.2.1 priority 3", "from 192.0.2.0/24 table 5", "from 192.0.2.0/24 to 2001:db8::/32 table 5 priority 4",
            "from all fwmark 0x1/zz table 5 priority 5", "from all sport 20-10 table 5 priority 6",
            "from all ip_proto udp table 5 priority 7",
        ])
        #expect(finding(result, .warning, "rule in virtual_rules has no action and is ignored")?.location.line == 6, "\(shown(result))")
        #expect(finding(result, .warning, "rule in virtual_rules has no priority")?.location.line == 7)
        #expect(finding(result, .error, "rule mixes IPv4 and IPv6")?.location.line == 8)
        #expect(finding(result, .error, "fwmark '0x1/zz' is not valid")?.location.line == 9)
        #expect(finding(result, .error, "sport '20-10' is not a valid range")?.location.line == 10)
        #expect(finding(result, .warning, "unknown option 'ip_proto'")?.hint == "did you mean 'ipproto'?")
        #expect(!rules(result).contains { $0.location.line == 6 })
    }
}
