#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A serial executor on a thread of its own, for actors whose every call blocks in the kernel
/// (netlink round trips to rtnetlink and IPVS). Their waits then hold this thread, never one of
/// the cooperative pool's (two on a two-core director), where the check engine, the HTTP handlers
/// and the mailer run. Jobs run one at a time in the order they were enqueued.
public final class NetlinkExecutor: SerialExecutor, Sendable {
    /// The one thread every netlink actor shares: the kernel answers at once, so one is plenty.
    public static let shared = NetlinkExecutor(name: "vigil-netlink")

    private struct Queue {
        var jobs: [UnownedJob] = []
        var started = false
    }
    private let queue = Mutex(Queue())
    private let wakeup = Condition()
    /// For debuggers and the threads table of docs/ARCHITECTURE.md.
    let name: String

    init(name: String) { self.name = name }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        let start = queue.withLock { queue -> Bool in
            queue.jobs.append(unowned)
            defer { queue.started = true }
            return !queue.started
        }
        if start { startThread() }
        wakeup.signal()
    }

    public func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }

    private func run() {
        while true {
            wakeup.wait { self.queue.withLock { !$0.jobs.isEmpty } }
            let jobs = queue.withLock { queue -> [UnownedJob] in
                defer { queue.jobs.removeAll(keepingCapacity: true) }
                return queue.jobs
            }
            for job in jobs { job.runSynchronously(on: asUnownedSerialExecutor()) }
        }
    }

    private func startThread() {
        _ = DetachedThread.start { [self] in run() }
    }
}

/// A condition variable: `wait` sleeps until `ready` holds, `signal` wakes the waiter to look again.
/// The pthread objects live in memory of their own: their addresses must never move.
final class Condition: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Signals not yet seen by a waiter; guarded by `mutex`.
    private var signals = 0

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func wait(until ready: () -> Bool) {
        pthread_mutex_lock(mutex)
        while !ready() && signals == 0 { pthread_cond_wait(condition, mutex) }
        signals = 0
        pthread_mutex_unlock(mutex)
    }

    func signal() {
        pthread_mutex_lock(mutex)
        signals += 1
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }
}
