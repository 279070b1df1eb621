import VigilCore

/// Turns the block tree into a typed Configuration, section by section, then cross-checks it.
public enum ConfigurationBuilder {
    /// Top-level keywords keepalived knows that belong to no section Vigil reads.
    static let unsupportedTopLevel: [UnsupportedKeyword] = []

    /// `fileSystem` reads the files a keyword names (a password file); nil leaves them unread.
    public static func build(
        _ statements: [ConfigNode], files: [String], sink: DiagnosticSink, fileSystem: (any ConfigFileSystem)? = nil
    ) -> Configuration {
        let location = statements.first?.location ?? SourceLocation(file: files.first ?? "-", line: 1)
        var top = BlockReader(statements, context: "the top level", location: location, sink: sink)
        let global = GlobalSection.read(from: &top, context: BuildContext(sink: sink, fileSystem: fileSystem))
        let tracking = TrackingSection.read(from: &top, context: BuildContext(sink: sink, global: global))
        let context = BuildContext(sink: sink, global: global, tracking: tracking)
        let vrrp = VRRPSection.read(from: &top, context: context)
        let lvs = LVSSection.read(from: &top, context: context)
        top.finish(unsupported: UnsupportedKeyword.table(for: "top level", in: UnsupportedKeyword.all))
        let configuration = Configuration(files: files, global: global, tracking: tracking, vrrp: vrrp, lvs: lvs)
        GlobalSection.validate(configuration, sink: sink)
        TrackingSection.validate(configuration, sink: sink)
        VRRPSection.validate(configuration, sink: sink)
        LVSSection.validate(configuration, sink: sink)
        return configuration
    }
}
