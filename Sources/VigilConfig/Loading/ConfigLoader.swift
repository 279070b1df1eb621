import VigilCore

/// Options for reading a configuration.
public struct LoadOptions: Sendable {
    /// The id that `@id` lines are compared with (keepalived's -i; defaults to the short host name).
    public var configId: String
    public var limits: PreprocessorLimits

    public init(configId: String = "", limits: PreprocessorLimits = PreprocessorLimits()) {
        self.configId = configId
        self.limits = limits
    }
}

/// What reading a configuration produced: the typed configuration, every diagnostic, and the text read.
public struct LoadResult: Sendable {
    public let configuration: Configuration
    public let diagnostics: Diagnostics
    /// The bytes of each file read, for showing the source line under a diagnostic.
    public let sources: [String: [UInt8]]

    public var hasErrors: Bool { diagnostics.hasErrors }

    /// The same result with `extra` diagnostics about the host (script users, script security).
    public func adding(_ extra: Diagnostics) -> LoadResult {
        var all = diagnostics
        all.append(contentsOf: extra)
        return LoadResult(configuration: configuration, diagnostics: all, sources: sources)
    }
}

/// The statements of a configuration with the files they came from.
public struct SyntaxTree: Sendable {
    public let statements: [ConfigNode]
    public let files: [String]
    public let sources: [String: [UInt8]]
}

/// Reads keepalived.conf (and its includes) into a typed Configuration with diagnostics.
public enum ConfigLoader {
    /// Reads `path` through `fileSystem`.
    public static func load(path: String, fileSystem: any ConfigFileSystem, options: LoadOptions = LoadOptions()) -> LoadResult {
        let sink = DiagnosticSink()
        let tree = readTree(path: path, fileSystem: fileSystem, options: options, sink: sink)
        let configuration = ConfigurationBuilder.build(tree.statements, files: tree.files, sink: sink, fileSystem: fileSystem)
        let workKeywords: Set<String> = ["vrrp_instance", "virtual_server"]
        if !tree.files.isEmpty && !tree.statements.isEmpty && !tree.statements.contains(where: { workKeywords.contains($0.name) }) {
            sink.warning(
                "the configuration defines no vrrp_instance and no virtual_server; vigild would have nothing to do",
                at: SourceLocation(file: path, line: 1), expected: "at least a vrrp_instance or a virtual_server block")
        }
        sink.appendDroppedSummary(at: SourceLocation(file: path, line: 1))
        return LoadResult(configuration: configuration, diagnostics: sink.diagnostics, sources: tree.sources)
    }

    /// The block tree after preprocessing, before any keyword is interpreted.
    public static func readTree(
        path: String, fileSystem: any ConfigFileSystem, options: LoadOptions = LoadOptions(), sink: DiagnosticSink
    ) -> SyntaxTree {
        let tree = TreeBox(TreeBuilder(sink: sink))
        var preprocessor = Preprocessor(
            fileSystem: fileSystem, configId: options.configId, limits: options.limits, sink: sink,
            emit: { tree.builder.add(line: $0) })
        preprocessor.run(mainFile: path)
        let statements = tree.builder.finish()
        if !preprocessor.files.isEmpty && statements.isEmpty && !sink.hasErrors {
            sink.error("the configuration is empty", at: SourceLocation(file: path, line: 1), expected: "at least a vrrp_instance or a virtual_server block")
        }
        return SyntaxTree(statements: statements, files: preprocessor.files, sources: preprocessor.contents)
    }

    /// Reads configuration text held in memory (tests, `vigilctl check-config -`).
    public static func load(text: String, file: String = "test.conf", options: LoadOptions = LoadOptions()) -> LoadResult {
        load(path: file, fileSystem: InMemoryFileSystem([file: text]), options: options)
    }
}

/// Lets the preprocessor's emit closure feed the tree builder as lines arrive.
private final class TreeBox {
    var builder: TreeBuilder
    init(_ builder: TreeBuilder) { self.builder = builder }
}
