import ArgumentParser
import VigilPlatform

/// vigilctl: the operator's tool next to vigild.
@main
struct Vigilctl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vigilctl",
        abstract: "Operate and inspect Vigil.",
        discussion: """
            Talks to a running vigild over its control socket (default \(DaemonTarget.defaultSocket), when it \
            exists and you may write to it) or over HTTP (default \(DaemonTarget.defaultURL)). \
            Exit status: 0 success, 1 vigild refused or failed the request, 2 vigild could not be reached.
            """,
        version: VigilVersion.current,
        subcommands: [Status.self, Events.self, Metrics.self, Reload.self, CheckConfig.self]
    )

    /// Accepts the target options before the subcommand too (`vigilctl --socket S reload`).
    static func main() {
        main(hoistingTargetOptions(Array(CommandLine.arguments.dropFirst())))
    }

    /// Moves leading --url/--socket/--timeout options behind the subcommand name, where they are declared.
    static func hoistingTargetOptions(_ arguments: [String]) -> [String] {
        var leading: [String] = []
        var rest = arguments[...]
        while let first = rest.first, first.hasPrefix("--") {
            let name = first.split(separator: "=", maxSplits: 1).first.map(String.init) ?? first
            guard ["--url", "--socket", "--timeout"].contains(name) else { break }
            leading.append(first)
            rest = rest.dropFirst()
            if !first.contains("="), let value = rest.first {
                leading.append(value)
                rest = rest.dropFirst()
            }
        }
        guard !leading.isEmpty, let subcommand = rest.first else { return arguments }
        return [subcommand] + leading + rest.dropFirst()
    }
}
