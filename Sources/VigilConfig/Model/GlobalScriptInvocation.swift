import VigilCore

/// A command keepalived runs as written in `KEYWORD SCRIPT [USER [GROUP]]` (startup_script, *_notify_fifo_script).
public struct ScriptInvocation: Sendable, Encodable {
    /// The argv: the quoted SCRIPT split on unquoted spaces.
    public let command: Located<[String]>
    /// The user to run as; absent means global_defs script_user (or keepalived_script, else root).
    public let user: Located<String>?
    /// The group to run as; absent means the user's own group.
    public let group: Located<String>?
    /// Where the keyword is.
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case command, user, group }

    public init(command: Located<[String]>, user: Located<String>?, group: Located<String>?, location: SourceLocation) {
        self.command = command
        self.user = user
        self.group = group
        self.location = location
    }

    /// Only the first argument is the script: quote it when it has parameters.
    static func read(_ node: ConfigNode, sink: DiagnosticSink) -> ScriptInvocation? {
        guard let script = node.arguments.first else {
            sink.error(
                "'\(node.name)' needs a script", at: node.location,
                expected: "'\(node.name) \"/path/to/script args\" [USER [GROUP]]'", keyword: node.name)
            return nil
        }
        let words = ScriptWords.split([script])
        guard !words.isEmpty else {
            sink.error("'\(node.name)' has an empty script", at: script.location, expected: "a command to run", keyword: node.name)
            return nil
        }
        let owner = SectionReading.userAndGroup(node, from: 1, sink: sink)
        return ScriptInvocation(command: Located(words, at: script.location), user: owner.user, group: owner.group, location: node.location)
    }
}
