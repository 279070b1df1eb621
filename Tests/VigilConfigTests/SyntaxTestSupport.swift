@testable import VigilConfig
import VigilCore

/// Reads text into a block tree for syntax-level tests.
func tree(_ files: [String: String], main: String = "/etc/k/main.conf", configId: String = "main") -> (statements: [ConfigNode], diagnostics: Diagnostics) {
    let sink = DiagnosticSink()
    let result = ConfigLoader.readTree(
        path: main, fileSystem: InMemoryFileSystem(files), options: LoadOptions(configId: configId), sink: sink)
    return (result.statements, sink.diagnostics)
}

func tree(_ text: String, configId: String = "main") -> (statements: [ConfigNode], diagnostics: Diagnostics) {
    tree(["/etc/k/main.conf": text], configId: configId)
}

/// Each statement as "keyword arg arg" with nested blocks in braces, for compact expectations.
func render(_ nodes: [ConfigNode]) -> [String] { nodes.map(\.description) }
