import VigilCore

extension GlobalDaemonSettings {
    static let defaultChildWaitTime = 5

    /// keepalived keeps the first namespace and instance name and ignores later ones.
    static func read(from top: inout BlockReader) -> GlobalDaemonSettings {
        let sink = top.sink
        let namespace = SectionReading.first(&top, "net_namespace").flatMap { name($0, sink: sink) }
        let ipvsNamespace = SectionReading.first(&top, "net_namespace_ipvs").map { node in
            top.extraArguments(node, allowed: 1)
            return node.arguments.first.map { Located($0.text, at: $0.location) } ?? Located("", at: node.location)
        }
        let instance = SectionReading.first(&top, "instance").flatMap { name($0, sink: sink) }
        let pidDir = top.flag("use_pid_dir")
        return GlobalDaemonSettings(
            netNamespace: namespace,
            netNamespaceIpvs: ipvsNamespace,
            instance: instance,
            usePidDir: pidDir.isExplicit ? pidDir : .defaulted(namespace != nil || instance != nil),
            linkbeatUsePolling: top.flag("linkbeat_use_polling"),
            childWaitTime: SectionReading.wholeSeconds(&top, "child_wait_time", in: 0...Int(UInt32.max))
                ?? .defaulted(SectionReading.seconds(defaultChildWaitTime)))
    }

    private static func name(_ node: ConfigNode, sink: DiagnosticSink) -> Located<String>? {
        guard let token = node.arguments.first else {
            sink.error("'\(node.name)' needs a name", at: node.location, expected: "'\(node.name) NAME'", keyword: node.name)
            return nil
        }
        if node.arguments.count > 1 {
            sink.warning("'\(node.name)' takes one name; extra '\(node.arguments[1].text)' ignored", at: node.arguments[1].location, keyword: node.name)
        }
        return Located(token.text, at: token.location)
    }
}
