import VigilCore

/// Builds a `VRRPScript` from a `vrrp_script NAME { ... }` block.
enum TrackingScriptReader {
    /// keepalived keeps timers in microseconds in 32 bits, so whole seconds stop at 4294.
    static let maximumSeconds = 4294

    static func read(_ node: ConfigNode, sink: DiagnosticSink) -> VRRPScript? {
        let name = SectionReading.blockName(node, sink: sink)
        var reader = BlockReader(block: node, context: "vrrp_script \(name?.value ?? "")", sink: sink)
        let script = reader.single("script").flatMap { command($0, sink: sink) }
        let interval = SectionReading.wholeSeconds(&reader, "interval", in: 1...maximumSeconds) ?? .defaulted(SectionReading.seconds(1))
        let explicitTimeout = SectionReading.wholeSeconds(&reader, "timeout", in: 1...maximumSeconds)
        let weighting = reader.single("weight").flatMap { SectionReading.weight($0, in: -253...253, sink: sink) }
        let rise = reader.integer("rise", in: 1...Int(Int32.max), default: 1)
        let fall = reader.integer("fall", in: 1...Int(Int32.max), default: 1)
        let owner = reader.single("user").flatMap { user($0, sink: sink) }
        let initFail = reader.flag("init_fail")
        _ = reader.require(script, "script", expected: "'script \"/path/to/check args\"' naming the command to run")
        reader.finish(unsupported: UnsupportedKeyword.table(for: "vrrp_script", in: TrackingSection.unsupportedKeywords))
        // A timeout longer than the interval is fine: a run still in progress is not started again.
        guard let name, let script else { return nil }
        return VRRPScript(
            name: name, script: script, interval: interval, timeout: explicitTimeout ?? .defaulted(interval.value),
            weight: weighting?.weight ?? .defaulted(0), reverse: weighting?.reverse ?? .defaulted(false),
            rise: rise, fall: fall, user: owner?.user, group: owner?.group, initFail: initFail, location: node.location)
    }

    private static func command(_ node: ConfigNode, sink: DiagnosticSink) -> Located<[String]>? {
        let words = ScriptWords.split(node.arguments)
        guard let first = node.arguments.first, !words.isEmpty else {
            sink.error("'script' needs a command", at: node.location, expected: "'script \"/path/to/check args\"'", keyword: "script")
            return nil
        }
        return Located(words, at: first.location)
    }

    private static func user(_ node: ConfigNode, sink: DiagnosticSink) -> (user: Located<String>?, group: Located<String>?)? {
        let owner = SectionReading.userAndGroup(node, from: 0, sink: sink)
        guard owner.user != nil else {
            sink.error("'user' needs a user name", at: node.location, expected: "'user USER [GROUP]'", keyword: "user")
            return nil
        }
        return owner
    }
}
