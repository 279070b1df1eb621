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
        /// enable_script_security: refuse the script when it would run as root from an unsafe path.
        var requireSecurePath = false
    }

    let instance: String
    let master, backup, fault, stop, any: ScriptInvocation?
    let policy: ScriptUserPolicy

    init(_ instance: VRRPInstance, scripts: GlobalScriptSettings) {
        self.instance = instance.name
        master = instance.notifyMaster
        backup = instance.notifyBackup
        fault = instance.notifyFault
        stop = instance.notifyStop
        any = instance.notify
        policy = ScriptUserPolicy(scripts)
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
        let identity = policy.identity(user: script.user?.value, group: script.group?.value)
        return Run(
            keyword: keyword, arguments: script.command.value + extra, user: identity?.user, group: identity?.group,
            requireSecurePath: policy.requireSecurePath)
    }
}

/// Runs notify scripts off the VRRP engine, which hands runs over and never waits for them.
///
/// Each instance's scripts start in transition order, one after another (a slow notify_master of
/// one instance never delays another's). Notify scripts are never killed, as keepalived does not
/// kill them; a script still running after `orderWait` is left running and the next one of its
/// instance starts. Once shutdown begins, runs are launched at once, before `enqueue` returns, so
/// notify_stop has started when the daemon exits and nothing waits for it to finish.
final class NotifyRunner: Sendable {
    static let defaultOrderWait = Duration.seconds(10)
    let orderWait: Duration

    private let queue = OrderedScriptQueue()
    private let shuttingDown = Mutex(false)
    private let registry: MetricRegistry
    private let logger: Logger
    private let events: EventJournal?

    init(registry: MetricRegistry, logger: Logger, orderWait: Duration = NotifyRunner.defaultOrderWait, events: EventJournal? = nil) {
        self.orderWait = orderWait
        self.registry = registry
        self.logger = logger
        self.events = events
    }

    /// From now on runs start at once instead of queueing (SIGTERM: notify_stop must have started
    /// when the process exits, whatever an earlier script of its instance is still doing).
    func beginShutdown() { shuttingDown.withLock { $0 = true } }

    /// Queues the runs behind the earlier ones of the same instance; never waits.
    func enqueue(_ runs: [NotifyScripts.Run], instance: String) {
        guard !runs.isEmpty else { return }
        if shuttingDown.withLock({ $0 }) {
            for run in runs { launchNow(run, instance: instance) }
            return
        }
        let (registry, logger, orderWait, events) = (registry, logger, orderWait, events)
        queue.enqueue(instance) {
            for run in runs {
                let finished = await AsyncDeadline.finished(within: orderWait) {
                    Self.report(await Self.execute(run), of: run, instance: instance, registry: registry, logger: logger, events: events)
                }
                if !finished {
                    logger.warning(
                        "notify script still running; the next one of this instance starts without waiting for it",
                        metadata: ["vrrp_instance": "\(instance)", "notify": "\(run.keyword)", "script": "\(run.arguments.joined(separator: " "))"])
                }
            }
        }
    }

    private func launchNow(_ run: NotifyScripts.Run, instance: String) {
        let (registry, logger, events) = (registry, logger, events)
        switch ScriptProcess.launch(run.arguments, identity: Self.identity(of: run), requireSecurePath: run.requireSecurePath) {
        case .success(let launched):
            Task {
                Self.report(
                    await ScriptProcess.wait(for: launched, timeout: nil), of: run, instance: instance, registry: registry, logger: logger,
                    events: events)
            }
        case .failure(let reason):
            Self.report(.failedToStart(reason.description), of: run, instance: instance, registry: registry, logger: logger, events: events)
        }
    }

    /// True when every queued script has finished within `limit` (tests).
    func drained(within limit: Duration) async -> Bool { await queue.drained(within: limit) }

    private static func report(
        _ termination: ScriptProcess.Termination, of run: NotifyScripts.Run, instance: String, registry: MetricRegistry, logger: Logger,
        events: EventJournal?
    ) {
        let labels = VRRPNotifyLabels(vrrpInstance: instance, notify: run.keyword)
        registry.counter(VRRPNotifyMetrics.runsTotal, labels).increment()
        events?.emit(.notifyScript(instance: instance, keyword: run.keyword, outcome: termination.description))
        guard termination != .exited(0) else { return }
        registry.counter(VRRPNotifyMetrics.failuresTotal, labels).increment()
        logger.warning(
            "notify script failed",
            metadata: [
                "vrrp_instance": "\(instance)", "notify": "\(run.keyword)", "script": "\(run.arguments.joined(separator: " "))",
                "reason": "\(termination)",
            ])
    }

    static func identity(of run: NotifyScripts.Run) -> ScriptProcess.Identity? {
        run.user.map { ScriptProcess.Identity(user: $0, group: run.group) }
    }

    /// How a notify script ended; it runs until it ends by itself.
    static func execute(_ run: NotifyScripts.Run) async -> ScriptProcess.Termination {
        await ScriptProcess.execute(run.arguments, timeout: nil, identity: identity(of: run), requireSecurePath: run.requireSecurePath)
    }
}
