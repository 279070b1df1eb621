import VigilCore

/// What a real server inherits from its virtual server.
struct RealServerDefaults {
    let port: Int
    let lvsMethod: Located<LVSMethod>
    let tunnel: Located<LVSTunnel>?
    let weight: Located<Int>
    let alpha: Located<Bool>
    let inhibitOnFailure: Located<Bool>
    let connectTimeout: Located<Seconds>
    let retry: Located<Int>?
    let delayBeforeRetry: Located<Seconds>?
    let warmup: Located<Seconds>?
    let delayLoop: Located<Seconds>
    let virtualhost: Located<String>?
}

/// Reads `real_server IP [PORT] { ... }` and its checkers.
enum LVSRealServerReader {
    static func read(_ node: ConfigNode, defaults: RealServerDefaults, sink: DiagnosticSink) -> RealServer? {
        guard let (address, port) = LVSServerAddressParser(sink: sink).parse(node, defaultPort: defaults.port) else { return nil }
        let name = "real_server \(node.arguments.map(\.text).joined(separator: " "))"
        var reader = BlockReader(block: node, context: name, sink: sink)
        let method = reader.lvsMethod(anyOf: ["lvs_method"])
        let alpha = reader.flag("alpha")
        let inhibit = reader.flag("inhibit_on_failure")
        let smtpAlert = reader.flag("smtp_alert")
        let uthreshold = reader.integer("uthreshold", in: 0...LVSLimits.maxUInt32)
        let lthreshold = reader.integer("lthreshold", in: 0...LVSLimits.maxUInt32)
        if let uthreshold, let lthreshold, uthreshold.value > 0, lthreshold.value > uthreshold.value {
            sink.warning(
                "lthreshold \(lthreshold.value) is above uthreshold \(uthreshold.value)", at: lthreshold.location ?? node.location,
                expected: "a lower threshold below the upper one", keyword: "lthreshold")
        }
        let connectTimeout = reader.positiveTimer("connect_timeout", maximum: LVSLimits.maxConnectTimeout) ?? defaults.connectTimeout
        let retry = reader.integer("retry", in: 1...LVSLimits.maxUInt32) ?? defaults.retry
        let delayBeforeRetry = reader.seconds("delay_before_retry", in: 0...LVSLimits.maxTimer) ?? defaults.delayBeforeRetry
        let warmup = reader.seconds("warmup", in: 0...LVSLimits.maxTimer) ?? defaults.warmup
        let delayLoop = reader.positiveTimer("delay_loop", maximum: LVSLimits.maxTimer) ?? defaults.delayLoop
        let virtualhost = reader.string("virtualhost") ?? defaults.virtualhost
        let checkerDefaults = CheckerDefaults(
            realServer: name, address: address.value, alpha: alpha.isExplicit ? alpha : defaults.alpha, connectTimeout: connectTimeout,
            retry: retry, delayBeforeRetry: delayBeforeRetry, warmup: warmup, delayLoop: delayLoop, virtualhost: virtualhost)
        let checkerNodes = CheckerType.allCases.flatMap { type in reader.blocks(type.rawValue).map { (type, $0) } }
            .sorted { $0.1.location < $1.1.location }
        let checkers = checkerNodes.compactMap { CheckerReader.read($0.1, type: $0.0, defaults: checkerDefaults, sink: sink) }
        let server = RealServer(
            location: node.location, address: address, port: port,
            weight: reader.integer("weight", in: 0...LVSLimits.maxWeight) ?? defaults.weight,
            lvsMethod: method?.method ?? defaults.lvsMethod, tunnel: method == nil ? defaults.tunnel : method?.tunnel,
            notifyUp: reader.lvsNotifyScript("notify_up"), notifyDown: reader.lvsNotifyScript("notify_down"),
            uthreshold: uthreshold, lthreshold: lthreshold, smtpAlert: smtpAlert.isExplicit ? smtpAlert : nil, virtualhost: virtualhost,
            alpha: checkerDefaults.alpha, inhibitOnFailure: inhibit.isExplicit ? inhibit : defaults.inhibitOnFailure,
            connectTimeout: connectTimeout, retry: retry, delayBeforeRetry: delayBeforeRetry, warmup: warmup, delayLoop: delayLoop,
            checkers: checkers)
        reader.finish(unsupported: UnsupportedKeyword.table(for: "real_server", in: LVSSection.unsupportedKeywords))
        return server
    }
}
