import Logging
import Synchronization
import VigilConfig
import VigilPlatform
import VigilTelemetry

/// Runs the LVS notify scripts (notify_up, notify_down, quorum_up, quorum_down) off the check
/// engine, counted and logged when they fail. A real server's notify_up and notify_down start in
/// the order of its transitions (and a virtual server's quorum_up and quorum_down in theirs), so a
/// quick down-then-up cannot run notify_up before notify_down has finished. As notify scripts,
/// they are never killed; one still running after `orderWait` no longer holds the next one back.
/// Each runs as its own `user`, else global_defs `script_user` (`ScriptUserPolicy`).
final class LVSNotifier: Sendable {
    static let orderWait = Duration.seconds(10)
    let registry: MetricRegistry
    let logger: Logger
    private let queue = OrderedScriptQueue()
    private let policy: Mutex<ScriptUserPolicy>

    init(registry: MetricRegistry, logger: Logger, scripts: GlobalScriptSettings) {
        self.registry = registry
        self.logger = logger
        policy = Mutex(ScriptUserPolicy(scripts))
    }

    /// A reload's script_user applies to the scripts started after it.
    func reconfigure(_ scripts: GlobalScriptSettings) {
        let resolved = ScriptUserPolicy(scripts)
        policy.withLock { $0 = resolved }
    }

    /// Queues `script` behind the earlier ones of `orderKey` (the real server, or the virtual
    /// server for quorum scripts); never waits.
    func run(_ script: LVSNotifyScript, keyword: String, virtualServer: String, orderKey: String) {
        let arguments = script.arguments
        let policy = policy.withLock { $0 }
        let (identity, secure) = (policy.identity(user: script.user, group: script.group), policy.requireSecurePath)
        let labels = CheckNotifyLabels(virtualServer: virtualServer, notify: keyword)
        let (registry, logger) = (registry, logger)
        registry.counter(CheckMetrics.notifyRunsTotal, labels).increment()
        queue.enqueue(orderKey) {
            let finished = await AsyncDeadline.finished(within: Self.orderWait) {
                guard let failure = await ScriptProcess.run(arguments, timeout: nil, identity: identity, requireSecurePath: secure) else {
                    return
                }
                registry.counter(CheckMetrics.notifyFailuresTotal, labels).increment()
                logger.warning(
                    "notify script failed",
                    metadata: [
                        "virtual_server": "\(virtualServer)", "notify": "\(keyword)", "script": "\(script.command)",
                        "reason": "\(failure)",
                    ])
            }
            if !finished {
                logger.warning(
                    "notify script still running; the next one starts without waiting for it",
                    metadata: ["virtual_server": "\(virtualServer)", "notify": "\(keyword)", "script": "\(script.command)"])
            }
        }
    }

    /// True when every queued script has finished within `limit` (tests).
    func drained(within limit: Duration) async -> Bool { await queue.drained(within: limit) }
}
