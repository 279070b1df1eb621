import VigilCore

extension GlobalScriptSettings {
    static let defaultScriptTimeout = 10

    static func read(from reader: inout BlockReader) -> GlobalScriptSettings {
        let sink = reader.sink
        let defaultTimeout = Located<Seconds>.defaulted(SectionReading.seconds(defaultScriptTimeout))
        return GlobalScriptSettings(
            scriptUser: reader.single("script_user").flatMap { scriptUser($0, sink: sink) },
            enableScriptSecurity: reader.flag("enable_script_security"),
            startupScript: SectionReading.first(&reader, "startup_script").flatMap { ScriptInvocation.read($0, sink: sink) },
            startupScriptTimeout: SectionReading.wholeSeconds(&reader, "startup_script_timeout", in: 1...1000) ?? defaultTimeout,
            shutdownScript: SectionReading.first(&reader, "shutdown_script").flatMap { ScriptInvocation.read($0, sink: sink) },
            shutdownScriptTimeout: SectionReading.wholeSeconds(&reader, "shutdown_script_timeout", in: 1...1000) ?? defaultTimeout)
    }

    private static func scriptUser(_ node: ConfigNode, sink: DiagnosticSink) -> ScriptUser? {
        let owner = SectionReading.userAndGroup(node, from: 0, sink: sink)
        guard let user = owner.user else {
            sink.error("'script_user' needs a user name", at: node.location, expected: "'script_user USER [GROUP]'", keyword: "script_user")
            return nil
        }
        return ScriptUser(user: user, group: owner.group, location: node.location)
    }
}
