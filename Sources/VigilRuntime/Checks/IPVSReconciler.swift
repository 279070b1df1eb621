import Logging
import VigilIPVS
import VigilTelemetry

/// Keeps the kernel's IPVS table equal to the desired one, in an actor of its own: one pass at a
/// time (a change during a pass triggers one more, planned from the latest desired table), a full
/// re-read of the kernel's table every `resyncEvery` to repair drift, and the set of services Vigil
/// manages (others in the kernel are someone else's and stay). The kernel adapter runs its
/// netlink round trips on the netlink thread, never the cooperative pool.
actor IPVSReconciler {
    /// keepalived re-reads nothing; we re-read the kernel's table this often to repair drift
    /// (someone ran `ipvsadm -C`), planning from what the kernel really has.
    static let resyncEvery = Duration.seconds(30)

    let kernel: any IPVSKernel
    /// What the kernel holds as far as we know: the last snapshot plus the operations it accepted.
    private var applied = IPVSTable()
    /// The services Vigil created or wants.
    private(set) var managed: Set<IPVSServiceKey> = []
    private var latest: IPVSTable?
    private var running = false
    private var again = false
    private var lastResync: ContinuousClock.Instant?
    private let registry: MetricRegistry
    private let logger: Logger
    private let events: EventJournal?

    init(kernel: any IPVSKernel, registry: MetricRegistry, logger: Logger, events: EventJournal?) {
        self.kernel = kernel
        self.registry = registry
        self.logger = logger
        self.events = events
    }

    /// No pass in flight.
    var isIdle: Bool { !running }

    /// Brings the kernel to `desired`; returns once the kernel has it (or has refused parts of it).
    /// A call during a pass only records the newer table: the running pass plans once more from it.
    func reconcile(to desired: IPVSTable) async {
        latest = desired
        if running {
            again = true
            return
        }
        running = true
        defer { running = false }
        repeat {
            again = false
            guard let desired = latest else { return }
            await pass(to: desired)
        } while again
    }

    /// Re-reads the table when a resync is due, even without a change (from the heartbeat).
    func resyncIfDue() async {
        guard let latest, resyncDue else { return }
        await reconcile(to: latest)
    }

    /// Removes the services Vigil manages, as keepalived does on exit.
    func release() async {
        guard !managed.isEmpty else { return }
        let deletions = IPVSPlanner.plan(desired: IPVSTable(), actual: applied, managed: managed)
        let failures = await kernel.apply(deletions)
        count(deletions, failures)
        logger.info("released IPVS services", metadata: ["services": "\(managed.count)"])
    }

    private var resyncDue: Bool { lastResync.map { ContinuousClock.now - $0 >= Self.resyncEvery } ?? true }

    private func pass(to desired: IPVSTable) async {
        if resyncDue {
            do {
                applied = try await kernel.snapshot().table
                lastResync = ContinuousClock.now
            } catch {
                logger.error("cannot read the IPVS table", metadata: ["error": "\(error)"])
            }
        }
        managed.formUnion(desired.services.keys)
        let operations = IPVSPlanner.plan(desired: desired, actual: applied, managed: managed)
        registry.gauge(IPVSMetrics.lastReconcileTimestamp).set(WallClock.now())
        guard !operations.isEmpty else { return }
        let failures = await kernel.apply(operations)
        count(operations, failures)
        for operation in operations where !failures.contains(where: { $0.operation == operation }) {
            logger.info("ipvs: \(operation)")
        }
        for failure in failures {
            logger.error("ipvs change refused", metadata: ["operation": "\(failure.operation)", "error": "\(failure.reason)"])
        }
        if failures.isEmpty {
            applied = desired.merging(unmanagedFrom: applied, managed: managed)
        } else {
            // Plan from the kernel's real table next time rather than guess which parts stuck.
            lastResync = nil
        }
    }

    private func count(_ operations: [IPVSOperation], _ failures: [IPVSOperationFailure]) {
        for failure in failures { events?.emit(.ipvsRefused(operation: "\(failure.operation)", error: failure.reason)) }
        for operation in operations {
            let failed = failures.contains { $0.operation == operation }
            registry.counter(
                IPVSMetrics.operationsTotal, IPVSOperationLabels(operation: operation.metricName, result: failed ? "error" : "ok")
            ).increment()
        }
    }
}
