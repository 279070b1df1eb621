#if canImport(Glibc)
import Glibc
#endif
import Synchronization
import Logging
import VigilConfig
import VigilPlatform
import VigilTelemetry
import VigilVRRP

/// The notify scripts of one vrrp_instance, and what keepalived passes them.
struct NotifyScripts: Sendable {
    /// One script to start: its keyword, argv, and the user to run it as.
    struct Run: Sendable, Equatable {
        let keyword: String
        let arguments: [String]
        let user: String?
        let group: String?
    }

    let instance: String
    let master, backup, fault, stop, any: ScriptInvocation?
    let defaultUser: String?
    let defaultGroup: String?

    init(_ instance: VRRPInstance, scripts: GlobalScriptSettings) {
        self.instance = instance.name
        master = instance.notifyMaster
        backup = instance.notifyBackup
        fault = instance.notifyFault
        stop = instance.notifyStop
        any = instance.notify
        defaultUser = scripts.scriptUser?.user.value
        defaultGroup = scripts.scriptUser?.group?.value
    }

    /// The scripts for a transition, in keepalived's order: the state's own script, then `notify`
    /// with `INSTANCE NAME STATE PRIORITY`.
    func runs(for transition: VRRPTransition, priority: Int) -> [Run] {
        let (specific, keyword, word): (ScriptInvocation?, String, String?) =
            switch transition.to {
            case .master: (master, "notify_master", "MASTER")
            case .backup: (backup, "notify_backup", "BACKUP")
            case .fault: (fault, "notify_fault", "FAULT")
            case .stopped: (stop, "notify_stop", "STOP")
            case .initialize: (nil, "", nil)
            }
        var runs: [Run] = []
        if let specific { runs.append(run(specific, keyword: keyword, extra: [])) }
        if let any, let word { runs.append(run(any, keyword: "notify", extra: ["INSTANCE", instance, word, String(priority)])) }
        return runs
    }

    private func run(_ script: ScriptInvocation, keyword: String, extra: [String]) -> Run {
        Run(
            keyword: keyword, arguments: script.command.value + extra, user: script.user?.value ?? defaultUser,
            group: script.group?.value ?? defaultGroup)
    }
}

/// Runs notify scripts one after another in transition order, each under a time limit, off the
/// VRRP engine: the engine hands a run over and never waits for it.
final class NotifyRunner: Sendable {
    static let defaultTimeout = Duration.seconds(10)
    let timeout: Duration

    /// The last run queued; synchronous to take, so transitions queue in the order they happened.
    private let queue = Mutex<Task<Void, Never>?>(nil)
    private let registry: MetricRegistry
    private let logger: Logger

    init(registry: MetricRegistry, logger: Logger, timeout: Duration = NotifyRunner.defaultTimeout) {
        self.timeout = timeout
        self.registry = registry
        self.logger = logger
    }

    /// Queues the runs behind earlier ones.
    func enqueue(_ runs: [NotifyScripts.Run], instance: String) {
        guard !runs.isEmpty else { return }
        let registry = registry
        let logger = logger
        let timeout = timeout
        queue.withLock { queue in
            let previous = queue
            queue = Task {
                await previous?.value
                for run in runs {
                    let labels = VRRPNotifyLabels(vrrpInstance: instance, notify: run.keyword)
                    registry.counter(VRRPNotifyMetrics.runsTotal, labels).increment()
                    guard let failure = await Self.execute(run, timeout: timeout) else { continue }
                    registry.counter(VRRPNotifyMetrics.failuresTotal, labels).increment()
                    logger.warning(
                        "notify script failed",
                        metadata: [
                            "vrrp_instance": "\(instance)", "notify": "\(run.keyword)",
                            "script": "\(run.arguments.joined(separator: " "))", "reason": "\(failure)",
                        ])
                }
            }
        }
    }

    /// Waits until every queued script has finished (shutdown waits for notify_stop).
    func drain() async { await queue.withLock { $0 }?.value }

    /// nil on success, else why it failed. As root, the script drops to its user (script_user or
    /// the block's own) the way keepalived does.
    static func execute(_ run: NotifyScripts.Run, timeout: Duration) async -> String? {
        let identity = run.user.map { ScriptProcess.Identity(user: $0, group: run.group) }
        return await ScriptProcess.run(run.arguments, timeout: timeout, identity: identity)
    }
}
