import ArgumentParser
import VigilConfig
import VigilCore
import VigilPlatform

/// `vigilctl check-config FILE`: the same check as `vigild -t`, for people at a terminal.
struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Check a keepalived/Vigil configuration file and explain every problem."
    )

    @Argument(help: "The configuration file ('-' for standard input).")
    var file: String

    @Option(name: [.customShort("i"), .customLong("config-id")], help: "The id matched by '@id' lines (default: the short host name).")
    var configId: String?

    @Flag(name: .customLong("quiet"), help: "Print only errors.")
    var quiet = false

    func run() throws {
        let result = ConfigCheck.load(path: file, configId: configId)
        var diagnostics = result.diagnostics
        if quiet {
            var errors = Diagnostics()
            for diagnostic in diagnostics.errors { errors.append(diagnostic) }
            diagnostics = errors
        }
        let renderer = DiagnosticRenderer(colors: ConfigCheck.isTerminal(1))
        print(renderer.render(diagnostics, sources: result.sources), terminator: "")
        if result.hasErrors { throw ExitCode(1) }
    }
}
