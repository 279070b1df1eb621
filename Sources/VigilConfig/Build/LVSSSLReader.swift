import VigilCore

/// Reads the top-level `SSL { }` block.
enum LVSSSLReader {
    static func read(_ node: ConfigNode, sink: DiagnosticSink) -> CheckerSSLSettings {
        var reader = BlockReader(block: node, context: "SSL", sink: sink)
        if let extra = node.arguments.first {
            sink.warning("'SSL' takes no name; '\(extra.text)' ignored", at: extra.location, keyword: "SSL")
        }
        let settings = CheckerSSLSettings(
            location: node.location, password: reader.string("password"), ca: reader.string("ca"),
            certificate: reader.string("certificate"), key: reader.string("key"))
        reader.finish(unsupported: UnsupportedKeyword.table(for: "SSL", in: LVSSection.unsupportedKeywords))
        return settings
    }
}
