import VigilCore

/// Reads one `vrrp_instance NAME { ... }` block into a VRRPInstance, applying keepalived's
/// defaults and adjustments (VRRPInstanceRules) and reporting what it cannot use.
enum VRRPInstanceBuilder {
    static func build(_ node: ConfigNode, defaults: VRRPDefaults, sink: DiagnosticSink) -> VRRPInstance? {
        guard let name = SectionReading.blockName(node, sink: sink) else { return nil }
        var reader = BlockReader(block: node, context: "vrrp_instance \(name.value)", sink: sink)
        let rules = VRRPInstanceRules(context: reader.context, location: node.location, sink: sink)

        rejectGlobalSpelling(&reader)
        let state = reader.choice("state", as: VRRPInitialState.self)
        let interface = interfaceName(&reader, "interface")
        let readRouterId = reader.integer("virtual_router_id", in: 1...255)
        let virtualRouterId = reader.require(readRouterId, "virtual_router_id", expected: "'virtual_router_id' with an integer from 1 to 255")
        let priority = reader.integer("priority", in: 1...255, default: 100)
        let advertInt = reader.seconds("advert_int", in: 0.01...255)
        let requestedVersion = reader.integer("version", in: 2...3).map { $0.map { VRRPVersion(rawValue: $0) ?? .v2 } }
        let strictMode = reader.flag("strict_mode", default: defaults.strict)
        let nativeIpv6 = reader.flag("native_ipv6")

        let addresses = AddressLineParser(sink: sink, block: "virtual_ipaddress", isStatic: false)
        let excluded = AddressLineParser(sink: sink, block: "virtual_ipaddress_excluded", isStatic: false)
        let routes = StaticRouteParser(sink: sink, block: "virtual_routes", isStatic: false)
        let ruleLines = StaticRuleParser(sink: sink, block: "virtual_rules", isStatic: false)
        let readVips = reader.blocks("virtual_ipaddress").flatMap { addresses.parse(block: $0) }
        let virtualIpaddressExcluded = reader.blocks("virtual_ipaddress_excluded").flatMap { excluded.parse(block: $0) }
        let virtualRoutes = reader.blocks("virtual_routes").flatMap { routes.parse(block: $0) }
        let virtualRules = reader.blocks("virtual_rules").flatMap { ruleLines.parse(block: $0) }

        let mcastSrcIp = reader.address("mcast_src_ip")
        let unicastSrcIp = reader.address("unicast_src_ip")
        let mcastDstIp = reader.address("mcast_dst_ip")
        let readPeers = unicastPeers(&reader)
        let peerBlockGiven = reader.statements.contains { $0.name == "unicast_peer" }

        let family = rules.family(vips: readVips, nativeIpv6: nativeIpv6, sourceIp: unicastSrcIp ?? mcastSrcIp, peers: readPeers)
        let virtualIpaddress = rules.sameFamily(readVips, family: family)
        rules.duplicateAddresses(virtualIpaddress + virtualIpaddressExcluded)
        let version = rules.version(requested: requestedVersion, family: family, defaults: defaults)
        let authentication = rules.authentication(readAuthentication(&reader), version: version.value, strict: strictMode.value)

        let preemption = rules.preemption(
            state: state, preempt: lastFlag(&reader, on: "preempt", off: "nopreempt", default: true),
            delay: reader.seconds("preempt_delay", in: 0...1000, default: Seconds(0)), strict: strictMode.value)
        let accept = rules.accept(
            lastFlag(&reader, on: "accept", off: "no_accept", default: nil), priority: priority, version: version.value,
            strict: strictMode.value)
        let lowerPrioNoAdvert = rules.lowerPrioNoAdvert(
            reader.flag("lower_prio_no_advert", default: defaults.lowerPrioNoAdvert), strict: strictMode.value)
        let higherPrioSendAdvert = rules.higherPrioSendAdvert(
            reader.flag("higher_prio_send_advert", default: defaults.higherPrioSendAdvert), strict: strictMode.value)

        let unicastFaultNoPeer = reader.flag("unicast_fault_no_peer")
        let peers = rules.unicastPeers(
            readPeers, family: family, blockGiven: peerBlockGiven,
            unicastSrcIp: unicastSrcIp, faultNoPeer: unicastFaultNoPeer.value, strict: strictMode.value)
        rules.sourceAddress(mcastSrcIp: mcastSrcIp, unicastSrcIp: unicastSrcIp, family: family)
        let destination = rules.multicastDestination(mcastDstIp, family: family, unicast: !peers.isEmpty)
        rules.interfacePresence(interface, peers: peers)
        let vmac = useVmac(&reader)
        let vmacXmitBase = rules.vmacXmitBase(reader.flag("vmac_xmit_base"), useVmac: vmac, unicast: !peers.isEmpty, strict: strictMode.value)
        let garp = readGarp(&reader, defaults: defaults, rules: rules, strict: strictMode.value)

        let effectiveState = rules.state(state, priority: priority, strict: strictMode.value)
        rules.addressesPresent(virtualIpaddress, strict: strictMode.value)

        let instance = VRRPInstance(
            name: name.value, location: node.location, state: effectiveState, interface: interface,
            virtualRouterId: virtualRouterId, priority: priority,
            advertInt: rules.advertInt(advertInt, version: version.value), version: version, family: family,
            authentication: authentication, preempt: preemption.preempt, preemptDelay: preemption.delay, accept: accept,
            downTimerAdverts: reader.integer("down_timer_adverts", in: 1...100, default: defaults.downTimerAdverts),
            lowerPrioNoAdvert: lowerPrioNoAdvert, higherPrioSendAdvert: higherPrioSendAdvert, strictMode: strictMode,
            skipCheckAdvAddr: reader.flag("skip_check_adv_addr", default: defaults.skipCheckAdvAddr), nativeIpv6: nativeIpv6,
            virtualIpaddress: virtualIpaddress, virtualIpaddressExcluded: virtualIpaddressExcluded,
            virtualRoutes: virtualRoutes, virtualRules: virtualRules, promoteSecondaries: reader.flag("promote_secondaries"),
            mcastSrcIp: mcastSrcIp, unicastSrcIp: unicastSrcIp, mcastDstIp: destination, unicastPeer: peers,
            unicastTtl: reader.integer("unicast_ttl", in: 0...255, default: 255), unicastFaultNoPeer: unicastFaultNoPeer,
            checkUnicastSrc: reader.flag("check_unicast_src", default: defaults.checkUnicastSrc || peers.contains { $0.minTtl != nil || $0.maxTtl != nil }),
            trackSrcIp: reader.flag("track_src_ip"), kernelRxBufSize: reader.integer("kernel_rx_buf_size", in: 0...Int(Int32.max)),
            useVmac: vmac, useVmacAddr: reader.flag("use_vmac_addr"), vmacXmitBase: vmacXmitBase,
            garpMasterDelay: garp.masterDelay, garpMasterRepeat: garp.masterRepeat, garpLowerPrioDelay: garp.lowerPrioDelay,
            garpLowerPrioRepeat: garp.lowerPrioRepeat, garpMasterRefresh: garp.refresh, garpMasterRefreshRepeat: garp.refreshRepeat,
            garpExtraIf: garp.extraIf, dontTrackPrimary: reader.flag("dont_track_primary"),
            trackInterface: VRRPTrackReader.objects(&reader, "track_interface", weights: VRRPTrackReader.interfaceWeights, interfaces: true),
            trackScript: VRRPTrackReader.objects(&reader, "track_script", weights: VRRPTrackReader.scriptWeights),
            trackFile: VRRPTrackReader.objects(&reader, "track_file", weights: VRRPTrackReader.fileWeights),
            trackProcess: VRRPTrackReader.objects(&reader, "track_process", weights: VRRPTrackReader.processWeights),
            notifyMaster: VRRPTrackReader.script(&reader, "notify_master"),
            notifyBackup: VRRPTrackReader.script(&reader, "notify_backup"),
            notifyFault: VRRPTrackReader.script(&reader, "notify_fault"),
            notifyStop: VRRPTrackReader.script(&reader, "notify_stop"), notifyDeleted: VRRPTrackReader.deleted(&reader),
            notify: VRRPTrackReader.script(&reader, "notify"),
            notifyMasterRxLowerPri: VRRPTrackReader.script(&reader, "notify_master_rx_lower_pri"),
            notifyPriorityChanges: reader.flag("notify_priority_changes", default: defaults.notifyPriorityChanges),
            smtpAlert: reader.flag("smtp_alert", default: defaults.smtpAlert))
        reader.finish(unsupported: UnsupportedKeyword.table(for: "vrrp_instance", in: VRRPSection.unsupportedKeywords))
        return instance
    }

    /// `vrrp_version` belongs in global_defs; keepalived ignores it here, so say where it goes.
    private static func rejectGlobalSpelling(_ reader: inout BlockReader) {
        for node in reader.all("vrrp_version") {
            reader.sink.warning(
                "'vrrp_version' is a global_defs keyword and is ignored in \(reader.context)", at: node.location,
                expected: "'version \(node.arguments.first?.text ?? "3")' inside vrrp_instance", hint: "did you mean 'version'?",
                keyword: "vrrp_version")
        }
    }

    static func interfaceName(_ reader: inout BlockReader, _ keyword: String) -> Located<String>? {
        guard let node = reader.single(keyword), let token = reader.value(of: node, expected: "an interface name") else { return nil }
        reader.extraArguments(node, allowed: 1)
        return AddressFields.interfaceName(token, what: keyword, sink: reader.sink).map { Located($0, at: token.location) }
    }

    /// Two keywords that set one switch (preempt/nopreempt, accept/no_accept): the last one written wins.
    private static func lastFlag(_ reader: inout BlockReader, on: String, off: String, default defaultValue: Bool?) -> Located<Bool>? {
        let nodes = (reader.all(on) + reader.all(off)).sorted { $0.location < $1.location }
        for node in nodes { reader.extraArguments(node, allowed: 0) }
        guard let last = nodes.last else { return defaultValue.map { .defaulted($0) } }
        return Located(last.name == on, at: last.location)
    }

    private static func readAuthentication(_ reader: inout BlockReader) -> VRRPInstanceRules.AuthenticationInput? {
        guard let node = reader.block("authentication") else { return nil }
        var block = BlockReader(block: node, context: "authentication of \(reader.context)", sink: reader.sink)
        let input = VRRPInstanceRules.AuthenticationInput(
            location: node.location, authType: block.choice("auth_type", as: VRRPAuthType.self),
            authPass: block.string("auth_pass"), authTypeGiven: block.statements.contains { $0.name == "auth_type" })
        block.finish()
        return input
    }

    private static func unicastPeers(_ reader: inout BlockReader) -> [UnicastPeer] {
        let sink = reader.sink
        var peers: [UnicastPeer] = []
        for block in reader.blocks("unicast_peer") {
            for line in block.children ?? [] {
                guard let address = ValueParser(sink: sink).address(line.keyword, what: "unicast_peer") else { continue }
                var minTtl: Int?
                var maxTtl: Int?
                var cursor = OptionCursor(line.arguments)
                while let option = cursor.next() {
                    switch option.text {
                    case "min_ttl", "max_ttl":
                        guard let token = cursor.value(for: option, expected: "an integer from 0 to 255", sink: sink, in: "unicast_peer") else { continue }
                        let value = ValueParser(sink: sink).integer(token, in: 0...255, what: option.text)
                        if option.text == "min_ttl" { minTtl = value } else { maxTtl = value }
                    default:
                        AddressFields.unknownOption(option, in: "unicast_peer entry \(line.name)", known: ["min_ttl", "max_ttl"], sink: sink)
                    }
                }
                if let minTtl, let maxTtl, minTtl > maxTtl {
                    sink.warning(
                        "unicast_peer \(address): min_ttl \(minTtl) is above max_ttl \(maxTtl), so every advert from it is dropped",
                        at: line.location, expected: "min_ttl at most max_ttl", keyword: "min_ttl")
                }
                if let duplicate = peers.first(where: { $0.address == address }) {
                    sink.warning(
                        "unicast_peer \(address) is listed twice; the entry on line \(duplicate.location.line) is used",
                        at: line.location, keyword: "unicast_peer")
                    continue
                }
                peers.append(UnicastPeer(location: line.location, address: address, minTtl: minTtl, maxTtl: maxTtl))
            }
        }
        return peers
    }

    /// `use_vmac [NAME] [MAC]`: either argument may be left out; the MAC is the one with colons.
    private static func useVmac(_ reader: inout BlockReader) -> Located<VirtualMACSetting>? {
        guard let node = reader.single("use_vmac") else { return nil }
        let sink = reader.sink
        var name: String?
        var mac: String?
        for token in node.arguments.prefix(2) {
            if token.text.contains(":") {
                mac = VRRPInstanceRules.vmacAddress(token, sink: sink)
            } else {
                name = AddressFields.interfaceName(token, what: "use_vmac", sink: sink)
            }
        }
        reader.extraArguments(node, allowed: 2)
        return Located(VirtualMACSetting(interfaceName: name, macAddress: mac), at: node.location)
    }

    private struct Garp {
        var masterDelay: Located<Seconds>
        var masterRepeat: Located<Int>
        var lowerPrioDelay: Located<Seconds>
        var lowerPrioRepeat: Located<Int>
        var refresh: Located<Seconds>
        var refreshRepeat: Located<Int>
        var extraIf: GarpExtraInterfaces?
    }

    private static func readGarp(_ reader: inout BlockReader, defaults: VRRPDefaults, rules: VRRPInstanceRules, strict: Bool) -> Garp {
        let masterDelay = SectionReading.wholeSeconds(&reader, "garp_master_delay", in: 0...4294) ?? .defaulted(defaults.garpMasterDelay)
        var garp = Garp(
            masterDelay: masterDelay,
            masterRepeat: rules.atLeastOne(reader.integer("garp_master_repeat", in: 0...Int(Int32.max)), "garp_master_repeat")
                ?? .defaulted(defaults.garpMasterRepeat),
            lowerPrioDelay: SectionReading.wholeSeconds(&reader, "garp_lower_prio_delay", in: 0...4294)
                ?? .defaulted(defaults.garpLowerPrioDelay),
            lowerPrioRepeat: reader.integer("garp_lower_prio_repeat", in: 0...Int(Int32.max)) ?? .defaulted(defaults.garpLowerPrioRepeat),
            refresh: SectionReading.wholeSeconds(&reader, "garp_master_refresh", in: 0...Int(Int32.max))
                ?? .defaulted(defaults.garpMasterRefresh),
            refreshRepeat: rules.atLeastOne(reader.integer("garp_master_refresh_repeat", in: 0...Int(Int32.max)), "garp_master_refresh_repeat")
                ?? .defaulted(defaults.garpMasterRefreshRepeat),
            extraIf: garpExtraIf(&reader) ?? defaults.garpExtraIf)
        if strict {
            (garp.lowerPrioDelay, garp.lowerPrioRepeat) = rules.strictLowerPrioGarp(delay: garp.lowerPrioDelay, repeat: garp.lowerPrioRepeat)
        }
        return garp
    }

    /// `garp_extra_if [all] SECONDS`, 0-86400 (0 turns it off).
    private static func garpExtraIf(_ reader: inout BlockReader) -> GarpExtraInterfaces? {
        guard let node = reader.single("garp_extra_if") else { return nil }
        var arguments = node.arguments[...]
        let all = arguments.first?.text == "all"
        if all { arguments = arguments.dropFirst() }
        guard let token = arguments.first else {
            reader.sink.error(
                "'garp_extra_if' needs an interval", at: node.location, expected: "'garp_extra_if [all] SECONDS' with 0 to 86400 seconds",
                keyword: "garp_extra_if")
            return nil
        }
        guard let seconds = ValueParser(sink: reader.sink).integer(token, in: 0...86400, what: "garp_extra_if") else { return nil }
        reader.extraArguments(node, allowed: all ? 2 : 1)
        return GarpExtraInterfaces(
            interval: Located(SectionReading.seconds(seconds), at: token.location),
            all: Located(all, at: all ? node.arguments.first?.location : nil), location: node.location)
    }
}
