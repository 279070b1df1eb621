import VigilCore

extension GlobalGarpDefaults {
    static let defaultMasterDelay = 5
    static let defaultMasterRepeat = 5
    static let maximumRepeat = Int(Int32.max)

    static func read(from reader: inout BlockReader) -> GlobalGarpDefaults {
        let sink = reader.sink
        let minGarp = reader.flag("vrrp_min_garp")
        // vrrp_min_garp only changes the defaults: explicit settings still win.
        let masterDelay = SectionReading.wholeSeconds(&reader, "vrrp_garp_master_delay", in: 0...4294)
            ?? .defaulted(SectionReading.seconds(minGarp.value ? 0 : defaultMasterDelay))
        let masterRepeat = reader.integer("vrrp_garp_master_repeat", in: 1...maximumRepeat)
            ?? .defaulted(minGarp.value ? 1 : defaultMasterRepeat)
        let extraNode = SectionReading.latest(&reader, "vrrp_garp_extra_if", deprecated: ["vrrp_vmac_garp_intvl"])
        return GlobalGarpDefaults(
            vrrpGarpMasterDelay: masterDelay,
            vrrpGarpMasterRepeat: masterRepeat,
            vrrpGarpMasterRefresh: SectionReading.wholeSeconds(&reader, "vrrp_garp_master_refresh", in: 0...Int(UInt32.max))
                ?? .defaulted(Seconds(0)),
            vrrpGarpMasterRefreshRepeat: reader.integer("vrrp_garp_master_refresh_repeat", in: 1...maximumRepeat, default: 1),
            vrrpGarpLowerPrioDelay: SectionReading.wholeSeconds(&reader, "vrrp_garp_lower_prio_delay", in: 0...4294)
                ?? .defaulted(masterDelay.value),
            vrrpGarpLowerPrioRepeat: reader.integer("vrrp_garp_lower_prio_repeat", in: 0...maximumRepeat)
                ?? .defaulted(masterRepeat.value),
            vrrpGarpInterval: messageGap(&reader, "vrrp_garp_interval"),
            vrrpGnaInterval: messageGap(&reader, "vrrp_gna_interval"),
            vrrpMinGarp: minGarp,
            vrrpGarpExtraIf: extraNode.flatMap { extraInterfaces($0, sink: sink) })
    }

    /// A gap of a second or more between messages is almost always a unit mistake (they are microsecond timers).
    private static func messageGap(_ reader: inout BlockReader, _ keyword: String) -> Located<Seconds> {
        let gap = reader.seconds(keyword, in: 0...4294, default: Seconds(0))
        if let location = gap.location, gap.value >= Seconds(1) {
            reader.sink.warning(
                "\(keyword) \(gap.value) is very large for a gap between two messages", at: location,
                expected: "a fraction of a second such as 0.001", keyword: keyword)
        }
        return gap
    }

    private static func extraInterfaces(_ node: ConfigNode, sink: DiagnosticSink) -> GarpExtraInterfaces? {
        var all = Located<Bool>.defaulted(false)
        var interval: Located<Seconds>?
        for token in node.arguments {
            if token.text == "all" {
                all = Located(true, at: token.location)
            } else if let seconds = ValueParser(sink: sink).integer(token, in: 1...86400, what: node.name) {
                interval = Located(SectionReading.seconds(seconds), at: token.location)
            } else {
                return nil
            }
        }
        guard let interval else {
            sink.error(
                "'\(node.name)' has no interval", at: node.location, expected: "'vrrp_garp_extra_if [all] SECONDS' with 1 to 86400 seconds",
                keyword: node.name)
            return nil
        }
        return GarpExtraInterfaces(interval: interval, all: all, location: node.location)
    }
}
