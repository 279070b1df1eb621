import VigilCore

/// Reads `virtual_server IP [PORT] | fwmark N | group NAME { ... }` with its real and sorry servers.
enum LVSVirtualServerReader {
    static let targetForms = "'virtual_server IP [PORT] { ... }', 'virtual_server fwmark N { ... }' or 'virtual_server group NAME { ... }'"

    /// nil when the target is unusable; the block is still read so its own mistakes are reported too.
    static func read(_ node: ConfigNode, sink: DiagnosticSink) -> VirtualServer? {
        let target = self.target(node, sink: sink)
        var reader = BlockReader(block: node, context: node.line, sink: sink)
        let delayLoop = reader.positiveTimer("delay_loop", maximum: LVSLimits.maxTimer) ?? .defaulted(LVSLimits.defaultDelayLoop)
        let scheduler = reader.choiceAlias(anyOf: ["lvs_sched", "lb_algo"], as: LVSScheduler.self) ?? .defaulted(.wlc)
        let flags = LVSSchedulerFlag.allCases.compactMap { flag -> Located<LVSSchedulerFlag>? in
            let setting = reader.flag(flag.rawValue)
            return setting.value ? setting.map { _ in flag } : nil
        }
        let method = reader.lvsMethod(anyOf: ["lvs_method", "lb_kind"])
        let lvsMethod = method?.method ?? .defaulted(.nat)
        let family = reader.choice("ip_family", as: LVSAddressFamily.self)
        let connectTimeout = reader.positiveTimer("connect_timeout", maximum: LVSLimits.maxConnectTimeout) ?? .defaulted(LVSLimits.defaultConnectTimeout)
        let retry = reader.integer("retry", in: 1...LVSLimits.maxUInt32)
        let delayBeforeRetry = reader.seconds("delay_before_retry", in: 0...LVSLimits.maxTimer)
        let warmup = reader.seconds("warmup", in: 0...LVSLimits.maxTimer)
        let alpha = reader.flag("alpha")
        let inhibit = reader.flag("inhibit_on_failure")
        let virtualhost = reader.string("virtualhost")
        let weight = reader.integer("weight", in: 0...LVSLimits.maxWeight, default: 1)
        let smtpAlert = reader.flag("smtp_alert")
        let defaults = RealServerDefaults(
            port: target?.port ?? 0, lvsMethod: lvsMethod, tunnel: method?.tunnel, weight: weight, alpha: alpha, inhibitOnFailure: inhibit,
            connectTimeout: connectTimeout, retry: retry, delayBeforeRetry: delayBeforeRetry, warmup: warmup, delayLoop: delayLoop,
            virtualhost: virtualhost)
        let realServers = reader.blocks("real_server").compactMap { LVSRealServerReader.read($0, defaults: defaults, sink: sink) }
        let protocolSetting = reader.choice("protocol", as: LVSProtocol.self, caseInsensitive: true)
        let persistence = LVSPersistenceReader.read(&reader, family: target?.addressFamily ?? family?.value.addressFamily)
        let persistenceTimeout = persistence.timeout ?? portlessPersistence(target, node: node, sink: sink)
        let server = VirtualServer(
            location: node.location, target: target ?? .fwmark(.defaulted(0)), lvsSched: scheduler, schedulerFlags: flags,
            ops: reader.flag("ops"), lvsMethod: lvsMethod, tunnel: method?.tunnel, protocol: protocolSetting ?? .defaulted(.udp),
            ipFamily: family, persistenceTimeout: persistenceTimeout, persistenceGranularity: persistence.granularity,
            persistenceEngine: persistence.engine, delayLoop: delayLoop, connectTimeout: connectTimeout, retry: retry,
            delayBeforeRetry: delayBeforeRetry, warmup: warmup, inhibitOnFailure: inhibit, alpha: alpha, omega: reader.flag("omega"),
            haSuspend: reader.flag("ha_suspend"), virtualhost: virtualhost, smtpAlert: smtpAlert.isExplicit ? smtpAlert : nil,
            weight: weight, quorum: reader.integer("quorum", in: 1...LVSLimits.maxUInt32, default: 1),
            hysteresis: reader.integer("hysteresis", in: 0...LVSLimits.maxUInt32, default: 0),
            quorumUp: reader.lvsNotifyScript("quorum_up"), quorumDown: reader.lvsNotifyScript("quorum_down"),
            sorryServer: sorryServer(&reader, defaults: defaults), realServers: realServers)
        reader.finish(unsupported: UnsupportedKeyword.table(for: "virtual_server", in: LVSSection.unsupportedKeywords))
        guard target != nil else { return nil }
        LVSVirtualServerChecks(server: server, node: node, explicitProtocol: protocolSetting != nil, sink: sink).run()
        return server
    }

    /// The part after `virtual_server`: an address and port, `fwmark N` or `group NAME`.
    static func target(_ node: ConfigNode, sink: DiagnosticSink) -> VirtualServerTarget? {
        let parser = ValueParser(sink: sink)
        let arguments = node.arguments
        guard let first = arguments.first else {
            sink.error("virtual_server needs an address, 'fwmark N' or 'group NAME'", at: node.location, expected: targetForms, keyword: "virtual_server")
            return nil
        }
        if arguments.count > 2 {
            sink.warning("'virtual_server' takes two values; extra '\(arguments[2].text)' ignored", at: arguments[2].location, expected: targetForms, keyword: "virtual_server")
        }
        switch first.text {
        case "fwmark", "group":
            guard arguments.count > 1 else {
                let what = first.text == "fwmark" ? "a mark number" : "a group name"
                sink.error("'virtual_server \(first.text)' needs \(what)", at: first.location, expected: targetForms, keyword: "virtual_server")
                return nil
            }
            let value = arguments[1]
            if first.text == "group" { return .group(Located(value.text, at: value.location)) }
            return parser.integer(value, in: 1...LVSLimits.maxUInt32, what: "virtual_server fwmark").map { .fwmark(Located($0, at: value.location)) }
        default:
            guard let address = IPAddress(first.text) else {
                let hint = Suggestion.closest(to: first.text, among: ["fwmark", "group"]).map { "did you mean '\($0)'?" }
                sink.error(
                    "virtual_server '\(first.text)' is not an IP address, 'fwmark' or 'group'", at: first.location,
                    expected: targetForms, hint: hint, keyword: "virtual_server")
                return nil
            }
            var port = Located<Int>(0, at: first.location)
            if arguments.count > 1 {
                guard let value = parser.port(arguments[1], what: "virtual_server port") else { return nil }
                port = Located(value, at: arguments[1].location)
            }
            return .address(Located(address, at: first.location), port: port)
        }
    }

    /// A service without a port only works when persistent, so keepalived turns persistence on.
    private static func portlessPersistence(_ target: VirtualServerTarget?, node: ConfigNode, sink: DiagnosticSink) -> Located<Int>? {
        guard case .address(_, let port) = target, port.value == 0 else { return nil }
        sink.warning(
            "virtual_server \(target?.description ?? "") has no port, which only works for a persistent service; keepalived makes it persistent for \(LVSLimits.defaultPersistenceTimeout) seconds",
            at: node.location, expected: "a port, or 'persistence_timeout'", keyword: "persistence_timeout")
        return .defaulted(LVSLimits.defaultPersistenceTimeout)
    }

    private static func sorryServer(_ reader: inout BlockReader, defaults: RealServerDefaults) -> SorryServer? {
        let node = reader.single("sorry_server")
        let inhibit = reader.flag("sorry_server_inhibit")
        let method = reader.lvsMethod(anyOf: ["sorry_server_lvs_method"])
        guard let node else {
            for keyword in ["sorry_server_inhibit", "sorry_server_lvs_method"] {
                if let statement = reader.statements.first(where: { $0.name == keyword }) {
                    reader.sink.warning(
                        "'\(keyword)' has no effect without 'sorry_server'", at: statement.location,
                        expected: "a 'sorry_server IP [PORT]' in the same virtual_server", keyword: keyword)
                }
            }
            return nil
        }
        guard let (address, port) = LVSServerAddressParser(sink: reader.sink).parse(node, defaultPort: defaults.port) else { return nil }
        return SorryServer(
            address: address, port: port, inhibit: inhibit, lvsMethod: method?.method ?? defaults.lvsMethod,
            tunnel: method == nil ? defaults.tunnel : method?.tunnel, location: node.location)
    }
}
