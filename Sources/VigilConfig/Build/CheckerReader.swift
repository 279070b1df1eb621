import VigilCore

/// What a checker inherits from its real server (which already inherited from the virtual server).
struct CheckerDefaults {
    let realServer: String
    let address: IPAddress
    let alpha: Located<Bool>
    let connectTimeout: Located<Seconds>
    let retry: Located<Int>?
    let delayBeforeRetry: Located<Seconds>?
    let warmup: Located<Seconds>?
    let delayLoop: Located<Seconds>
    let virtualhost: Located<String>?
}

/// Reads one checker block of a real server.
enum CheckerReader {
    static func read(_ node: ConfigNode, type: CheckerType, defaults: CheckerDefaults, sink: DiagnosticSink) -> Checker? {
        var reader = BlockReader(block: node, context: "\(type.rawValue) of \(defaults.realServer)", sink: sink)
        if let extra = node.arguments.first {
            sink.warning("'\(type.rawValue)' takes no arguments; '\(extra.text)' ignored", at: extra.location, keyword: type.rawValue)
        }
        let checker: Checker?
        switch type {
        case .tcp:
            checker = .tcp(TCPCheck(location: node.location, connection: connection(&reader, defaults), timing: timing(&reader, type, defaults)))
        case .ping:
            checker = .ping(PingCheck(location: node.location, connection: connection(&reader, defaults), timing: timing(&reader, type, defaults)))
        case .http, .ssl:
            let check = CheckerHTTPReader.read(
                &reader, node: node, connection: connection(&reader, defaults), timing: timing(&reader, type, defaults), defaults: defaults)
            checker = type == .http ? .http(check) : .ssl(check)
        case .smtp:
            checker = CheckerKindsReader.smtp(&reader, node: node, connection: connection(&reader, defaults), timing: timing(&reader, type, defaults)).map { .smtp($0) }
        case .dns:
            checker = CheckerKindsReader.dns(&reader, node: node, connection: connection(&reader, defaults), timing: timing(&reader, type, defaults)).map { .dns($0) }
        case .udp:
            checker = CheckerKindsReader.udp(&reader, node: node, connection: connection(&reader, defaults), timing: timing(&reader, type, defaults)).map { .udp($0) }
        case .misc:
            checker = CheckerKindsReader.misc(&reader, node: node, timing: timing(&reader, type, defaults)).map { .misc($0) }
        case .file:
            checker = CheckerKindsReader.file(&reader, node: node).map { .file($0) }
        }
        reader.finish(unsupported: UnsupportedKeyword.table(for: type.rawValue, in: LVSSection.unsupportedKeywords))
        return checker
    }

    /// connect_ip, connect_port, bindto, bind_port, bind_if, fwmark and connect_timeout.
    static func connection(_ reader: inout BlockReader, _ defaults: CheckerDefaults) -> CheckerConnection {
        let connectIp = reader.address("connect_ip")
        let bindto = reader.address("bindto")
        if let bindto, bindto.value.family != (connectIp?.value ?? defaults.address).family {
            let target = connectIp.map { "connect_ip \($0.value)" } ?? "the real server \(defaults.address)"
            reader.sink.error(
                "bindto \(bindto.value) is \(familyName(bindto.value.family)) but \(target) is \(familyName((connectIp?.value ?? defaults.address).family))",
                at: bindto.location ?? reader.location, expected: "a source address of the same family as the checked address", keyword: "bindto")
        }
        return CheckerConnection(
            connectIp: connectIp, connectPort: reader.checkerPort("connect_port"), bindto: bindto, bindPort: reader.checkerPort("bind_port"),
            bindIf: reader.string("bind_if"), fwmark: reader.integer("fwmark", in: 0...LVSLimits.maxUInt32),
            connectTimeout: reader.positiveTimer("connect_timeout", maximum: LVSLimits.maxConnectTimeout) ?? defaults.connectTimeout)
    }

    /// alpha, delay_loop, retry, delay_before_retry, warmup and log_all_failures, with each kind's defaults.
    static func timing(_ reader: inout BlockReader, _ type: CheckerType, _ defaults: CheckerDefaults) -> CheckerTiming {
        let alpha = reader.flag("alpha")
        let delayLoop = reader.positiveTimer("delay_loop", maximum: LVSLimits.maxTimer) ?? defaults.delayLoop
        let retry = self.retry(&reader, type) ?? defaults.retry ?? .defaulted(defaultRetry(type))
        let delayBeforeRetry = reader.seconds("delay_before_retry", in: 0...LVSLimits.maxTimer) ?? defaults.delayBeforeRetry
            ?? .defaulted(defaultDelayBeforeRetry(type, delayLoop: delayLoop.value))
        let warmup = reader.seconds("warmup", in: 0...LVSLimits.maxTimer) ?? defaults.warmup ?? .defaulted(delayLoop.value)
        return CheckerTiming(
            alpha: alpha.isExplicit ? alpha : defaults.alpha, delayLoop: delayLoop, retry: retry,
            delayBeforeRetry: delayBeforeRetry, warmup: warmup, logAllFailures: reader.flag("log_all_failures"))
    }

    /// `retry`, or for HTTP checkers the deprecated `nb_get_retry` keepalived still takes.
    private static func retry(_ reader: inout BlockReader, _ type: CheckerType) -> Located<Int>? {
        let keywords = type == .http || type == .ssl ? ["retry", "nb_get_retry"] : ["retry"]
        guard let node = reader.singleAlias(anyOf: keywords),
            let token = reader.value(of: node, expected: "an integer from 0 to \(LVSLimits.maxUInt32)")
        else { return nil }
        reader.extraArguments(node, allowed: 1)
        if node.name == "nb_get_retry" {
            reader.sink.warning("'nb_get_retry' is deprecated", at: node.location, expected: "'retry'", hint: "write 'retry \(token.text)'", keyword: "nb_get_retry")
        }
        return reader.parse.integer(token, in: 0...LVSLimits.maxUInt32, what: node.name).map { Located($0, at: token.location) }
    }

    /// keepalived's per-kind retry defaults: DNS 3, MISC 0, others 1.
    static func defaultRetry(_ type: CheckerType) -> Int {
        switch type {
        case .dns: 3
        case .misc: 0
        default: 1
        }
    }

    /// keepalived's per-kind delay_before_retry defaults: HTTP 3 s, DNS its delay_loop, others 1 s.
    static func defaultDelayBeforeRetry(_ type: CheckerType, delayLoop: Seconds) -> Seconds {
        switch type {
        case .http, .ssl: Seconds(3)
        case .dns: delayLoop
        default: Seconds(1)
        }
    }

    static func familyName(_ family: AddressFamily) -> String { family == .ipv4 ? "IPv4" : "IPv6" }
}
