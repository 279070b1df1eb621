import VigilCore

extension GlobalLVSSettings {
    /// The kernel's limit for IPVS timeouts: 31 days.
    static let maximumTimeout = 31 * 86400
    static let defaultSyncPort = 8848
    static let defaultSyncGroup = IPAddress.v4(IPv4Address(224, 0, 0, 81))
    /// IP_VS_IFNAME_MAXLEN, including the terminating zero.
    static let interfaceNameLimit = 16

    static func read(from reader: inout BlockReader) -> GlobalLVSSettings {
        let sink = reader.sink
        let flushOnStop = SectionReading.latest(&reader, "lvs_flush_on_stop", deprecated: ["lvs_flush_onstop"])
        return GlobalLVSSettings(
            lvsTimeouts: reader.single("lvs_timeouts").flatMap { timeouts($0, sink: sink) },
            lvsSyncDaemon: SectionReading.first(&reader, "lvs_sync_daemon").flatMap { syncDaemon($0, sink: sink) },
            lvsFlush: reader.flag("lvs_flush"),
            lvsFlushOnStop: flushOnStop.flatMap { flushMode($0, sink: sink) } ?? .defaulted(.off))
    }

    private static func timeouts(_ node: ConfigNode, sink: DiagnosticSink) -> LVSTimeouts? {
        let names = ["tcp", "tcpfin", "udp"]
        var values: [String: Located<Seconds>] = [:]
        var index = 0
        let arguments = node.arguments
        while index < arguments.count {
            let option = arguments[index]
            guard names.contains(option.text) else {
                let hint = Suggestion.closest(to: option.text, among: names).map { "did you mean '\($0)'?" }
                sink.error("lvs_timeouts option '\(option.text)' is not valid", at: option.location, expected: "tcp, tcpfin or udp followed by seconds", hint: hint, keyword: "lvs_timeouts")
                index += 1
                continue
            }
            guard index + 1 < arguments.count else {
                sink.error("lvs_timeouts '\(option.text)' has no value", at: option.location, expected: "a number of seconds after '\(option.text)'", keyword: "lvs_timeouts")
                break
            }
            let token = arguments[index + 1]
            if let seconds = ValueParser(sink: sink).integer(token, in: 0...maximumTimeout, what: "lvs_timeouts \(option.text)") {
                values[option.text] = Located(SectionReading.seconds(seconds), at: token.location)
            }
            index += 2
        }
        if arguments.isEmpty {
            sink.error("'lvs_timeouts' has no timeouts", at: node.location, expected: "at least one of tcp, tcpfin or udp followed by seconds", keyword: "lvs_timeouts")
        }
        guard !values.isEmpty else { return nil }
        return LVSTimeouts(tcp: values["tcp"], tcpfin: values["tcpfin"], udp: values["udp"], location: node.location)
    }

    private static func syncDaemon(_ node: ConfigNode, sink: DiagnosticSink) -> LVSSyncDaemon? {
        let arguments = node.arguments
        guard let interface = arguments.first else {
            sink.error("'lvs_sync_daemon' needs an interface", at: node.location, expected: "'lvs_sync_daemon INTERFACE [inst VRRP_INSTANCE] [id N] ...'", keyword: "lvs_sync_daemon")
            return nil
        }
        if interface.text.utf8.count >= interfaceNameLimit {
            sink.error(
                "lvs_sync_daemon interface '\(interface.text)' is too long", at: interface.location,
                expected: "an interface name of at most \(interfaceNameLimit - 1) characters", keyword: "lvs_sync_daemon")
            return nil
        }
        let parse = ValueParser(sink: sink)
        let options = ["inst", "id", "maxlen", "port", "ttl", "group"]
        var inst: Located<String>?
        var id: Located<Int>?
        var maxlen: Located<Int>?
        var port = Located<Int>.defaulted(defaultSyncPort)
        var ttl: Located<Int>?
        var group = Located<IPAddress>.defaulted(defaultSyncGroup)
        var index = 1
        while index < arguments.count {
            let option = arguments[index]
            guard options.contains(option.text) else {
                // Older syntax: `lvs_sync_daemon IFACE INSTANCE [SYNCID]`.
                if index == 1 {
                    inst = Located(option.text, at: option.location)
                } else if index == 2, let value = parse.integer(option, in: 0...255, what: "lvs_sync_daemon id") {
                    sink.warning("lvs_sync_daemon sync id without 'id' is an old syntax", at: option.location, expected: "'id \(value)'", keyword: "lvs_sync_daemon")
                    id = Located(value, at: option.location)
                } else if index != 2 {
                    let hint = Suggestion.closest(to: option.text, among: options).map { "did you mean '\($0)'?" }
                    sink.error(
                        "lvs_sync_daemon option '\(option.text)' is not valid", at: option.location,
                        expected: "one of \(options.joined(separator: ", ")) followed by a value", hint: hint, keyword: "lvs_sync_daemon")
                }
                index += 1
                continue
            }
            guard index + 1 < arguments.count else {
                sink.error("lvs_sync_daemon '\(option.text)' has no value", at: option.location, expected: "a value after '\(option.text)'", keyword: "lvs_sync_daemon")
                break
            }
            let token = arguments[index + 1]
            let what = "lvs_sync_daemon \(option.text)"
            switch option.text {
            case "inst": inst = Located(token.text, at: token.location)
            case "id": id = parse.integer(token, in: 0...255, what: what).map { Located($0, at: token.location) }
            case "maxlen": maxlen = parse.integer(token, in: 1...(65535 - 20 - 8), what: what).map { Located($0, at: token.location) }
            case "port": port = parse.integer(token, in: 1...65535, what: what).map { Located($0, at: token.location) } ?? port
            case "ttl": ttl = parse.integer(token, in: 1...255, what: what).map { Located($0, at: token.location) }
            default: group = multicastGroup(token, sink: sink) ?? group
            }
            index += 2
        }
        return LVSSyncDaemon(
            interface: Located(interface.text, at: interface.location), inst: inst, id: id, maxlen: maxlen, port: port, ttl: ttl,
            group: group, location: node.location)
    }

    private static func multicastGroup(_ token: Token, sink: DiagnosticSink) -> Located<IPAddress>? {
        guard let address = ValueParser(sink: sink).address(token, what: "lvs_sync_daemon group") else { return nil }
        let multicast: Bool
        switch address {
        case .v4(let v4): multicast = v4.isMulticast
        case .v6(let v6): multicast = v6.isMulticast
        }
        guard multicast else {
            sink.error(
                "lvs_sync_daemon group \(address) is not a multicast address", at: token.location,
                expected: "a multicast address such as 224.0.0.81 or ff02::81", keyword: "lvs_sync_daemon")
            return nil
        }
        return Located(address, at: token.location)
    }

    private static func flushMode(_ node: ConfigNode, sink: DiagnosticSink) -> Located<LVSFlushOnStop>? {
        guard let token = node.arguments.first else { return Located(.full, at: node.location) }
        guard token.text == LVSFlushOnStop.virtualServers.rawValue else {
            let hint = Suggestion.closest(to: token.text, among: ["VS"]).map { "did you mean '\($0)'?" }
            sink.error("\(node.name) option '\(token.text)' is not valid", at: token.location, expected: "'VS' or nothing", hint: hint, keyword: node.name)
            return nil
        }
        return Located(.virtualServers, at: token.location)
    }
}
