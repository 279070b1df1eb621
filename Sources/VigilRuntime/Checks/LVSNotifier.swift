import Logging
import VigilConfig
import VigilPlatform
import VigilTelemetry

/// Runs the LVS notify scripts (notify_up, notify_down, quorum_up, quorum_down) off the check
/// engine, each under a time limit, counted and logged when they fail.
struct LVSNotifier: Sendable {
    static let timeout = Duration.seconds(10)
    let registry: MetricRegistry
    let logger: Logger

    func run(_ script: LVSNotifyScript, keyword: String, virtualServer: String) {
        // keepalived splits the written command on spaces (a quoted string may hold arguments).
        let arguments = script.command.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let identity = script.user.map { ScriptProcess.Identity(user: $0, group: script.group) }
        let labels = CheckNotifyLabels(virtualServer: virtualServer, notify: keyword)
        let registry = registry
        let logger = logger
        registry.counter(CheckMetrics.notifyRunsTotal, labels).increment()
        Task {
            guard let failure = await ScriptProcess.run(arguments, timeout: Self.timeout, identity: identity) else { return }
            registry.counter(CheckMetrics.notifyFailuresTotal, labels).increment()
            logger.warning(
                "notify script failed",
                metadata: [
                    "virtual_server": "\(virtualServer)", "notify": "\(keyword)", "script": "\(script.command)",
                    "reason": "\(failure)",
                ])
        }
    }
}
