import ArgumentParser
import VigilConfig
import VigilPlatform

/// The vigild command line: check, dump or run a configuration.
@main
struct Vigild: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigild",
        abstract: "Vigil high-availability daemon: VRRP, health checks and IPVS from a keepalived.conf.",
        version: VigilVersion.current
    )

    @Option(name: [.customShort("f"), .customLong("use-file")], help: "Configuration file (default: /etc/vigil/vigil.conf, then /etc/keepalived/keepalived.conf).")
    var file: String?

    @Flag(name: [.customShort("t"), .customLong("config-test")], help: "Check the configuration, print diagnostics and exit (0 when it has no errors).")
    var configTest = false

    @Flag(name: .customLong("dump-config"), help: "Print the normalized configuration as JSON and exit.")
    var dumpConfig = false

    @Option(name: [.customShort("i"), .customLong("config-id")], help: "The id matched by '@id' lines (default: the short host name).")
    var configId: String?

    @Flag(name: .customLong("probe"), help: "Report what the kernel and system libraries offer (netlink, IPVS, systemd) and exit.")
    var probe = false

    @Flag(name: .customLong("list-unsupported-keywords"), help: ArgumentHelp("Print the keepalived keywords Vigil does not support yet, as a markdown table.", visibility: .hidden))
    var listUnsupported = false

    func run() throws {
        if listUnsupported {
            print(UnsupportedKeyword.markdownTable)
            return
        }
        if probe {
            print(PlatformProbe.run().description)
            return
        }
        let path = ConfigCheck.resolvePath(file)
        let result = ConfigCheck.load(path: path, configId: configId)
        let renderer = DiagnosticRenderer(colors: ConfigCheck.isTerminal(2))
        if configTest || dumpConfig {
            if !result.diagnostics.isEmpty || configTest {
                ConfigCheck.printError(renderer.render(result.diagnostics, sources: result.sources))
            }
            if result.hasErrors { throw ExitCode(1) }
            if dumpConfig { print(try ConfigDump.json(result.configuration)) }
            return
        }
        ConfigCheck.printError(renderer.render(result.diagnostics, sources: result.sources))
        ConfigCheck.printError("vigild: running the daemon is not implemented yet; use --config-test or --dump-config")
        throw ExitCode(2)
    }
}
