import VigilCore

extension GlobalVRRPDefaults {
    static let defaultMcastGroup4 = IPv4Address(224, 0, 0, 18)
    static let defaultMcastGroup6 = IPv6Address(high: 0xFF02_0000_0000_0000, low: 0x12)
    static let defaultInterfaceName = "eth0"
    static let defaultVmacPrefix = "vrrp"

    static func read(from reader: inout BlockReader) -> GlobalVRRPDefaults {
        let sink = reader.sink
        let version = reader.single("vrrp_version").flatMap { parseVersion($0, sink: sink) } ?? Located<Int>.defaulted(2)
        let dynamic = reader.single("dynamic_interfaces")
        let vmacPrefix = reader.string("vmac_prefix") ?? .defaulted(defaultVmacPrefix)
        return GlobalVRRPDefaults(
            vrrpVersion: version,
            vrrpStrict: reader.flag("vrrp_strict"),
            vrrpMcastGroup4: mcastGroup4(&reader),
            vrrpMcastGroup6: mcastGroup6(&reader),
            defaultInterface: reader.string("default_interface") ?? .defaulted(defaultInterfaceName),
            vrrpCheckUnicastSrc: reader.flag("vrrp_check_unicast_src"),
            vrrpSkipCheckAdvAddr: reader.flag("vrrp_skip_check_adv_addr"),
            vrrpLowerPrioNoAdvert: reader.flag("vrrp_lower_prio_no_advert"),
            vrrpHigherPrioSendAdvert: reader.flag("vrrp_higher_prio_send_advert"),
            vrrpDownTimerAdverts: reader.integer("vrrp_down_timer_adverts", in: 1...100, default: 3),
            dynamicInterfaces: dynamic.map { Located(true, at: $0.location) } ?? .defaulted(false),
            allowIfChanges: dynamic.flatMap { allowIfChanges($0, sink: sink) } ?? .defaulted(false),
            vrrpStartupDelay: reader.seconds("vrrp_startup_delay", in: 0...4294, default: Seconds(0)),
            logUnknownVrids: reader.flag("log_unknown_vrids"),
            vmacPrefix: vmacPrefix,
            vmacAddrPrefix: reader.string("vmac_addr_prefix") ?? .defaulted(vmacPrefix.value))
    }

    private static func parseVersion(_ node: ConfigNode, sink: DiagnosticSink) -> Located<Int>? {
        guard let token = node.arguments.first else {
            sink.error("'vrrp_version' needs a value", at: node.location, expected: "2 or 3", keyword: "vrrp_version")
            return nil
        }
        guard token.text == "2" || token.text == "3", let value = Int(token.text) else {
            sink.error("vrrp_version '\(token.text)' is not a VRRP version", at: token.location, expected: "2 or 3", keyword: "vrrp_version")
            return nil
        }
        return Located(value, at: token.location)
    }

    private static func mcastGroup4(_ reader: inout BlockReader) -> Located<IPv4Address> {
        mcastGroup(&reader, "vrrp_mcast_group4", default: defaultMcastGroup4, family: "IPv4", example: "224.0.0.18", range: "224.0.0.0/4") {
            if case .v4(let address) = $0 { (address, address.isMulticast) } else { nil }
        }
    }

    private static func mcastGroup6(_ reader: inout BlockReader) -> Located<IPv6Address> {
        mcastGroup(&reader, "vrrp_mcast_group6", default: defaultMcastGroup6, family: "IPv6", example: "ff02::12", range: "ff00::/8") {
            if case .v6(let address) = $0 { (address, address.isMulticast) } else { nil }
        }
    }

    /// One multicast group setting: the wrong family is an error (default kept), a unicast address a warning.
    private static func mcastGroup<Address>(
        _ reader: inout BlockReader, _ keyword: String, default defaultValue: Address, family: String, example: String,
        range: String, extract: (IPAddress) -> (Address, Bool)?
    ) -> Located<Address> {
        guard let located = reader.address(keyword) else { return .defaulted(defaultValue) }
        let at = located.location ?? reader.location
        guard let (address, isMulticast) = extract(located.value) else {
            reader.sink.error(
                "\(keyword) '\(located.value)' is not an \(family) address", at: at,
                expected: "an \(family) multicast address such as \(example)", keyword: keyword)
            return .defaulted(defaultValue)
        }
        if !isMulticast {
            reader.sink.warning(
                "\(keyword) \(located.value) is not a multicast address", at: at, expected: "an address in \(range)", keyword: keyword)
        }
        return Located(address, at: located.location)
    }

    private static func allowIfChanges(_ node: ConfigNode, sink: DiagnosticSink) -> Located<Bool>? {
        guard let option = node.arguments.first else { return nil }
        if node.arguments.count > 1 {
            sink.warning("'dynamic_interfaces' takes one option; extra '\(node.arguments[1].text)' ignored", at: node.arguments[1].location, keyword: "dynamic_interfaces")
        }
        guard option.text == "allow_if_changes" else {
            let hint = Suggestion.closest(to: option.text, among: ["allow_if_changes"]).map { "did you mean '\($0)'?" }
            sink.error(
                "dynamic_interfaces option '\(option.text)' is not valid", at: option.location,
                expected: "'allow_if_changes' or nothing", hint: hint, keyword: "dynamic_interfaces")
            return nil
        }
        return Located(true, at: option.location)
    }
}
