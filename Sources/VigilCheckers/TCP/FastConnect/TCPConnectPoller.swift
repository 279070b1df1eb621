import CLinuxExtras
import Glibc
import Synchronization
import VigilCheck
import VigilPlatform

/// TCP connect checks the way keepalived runs them: non-blocking connect() on a raw socket, one
/// thread waiting in epoll for every connect in flight, a reset on close so no TIME_WAIT is left.
///
/// Sockets are opened, watched and closed only on the poller's thread, so a cancellation never
/// races a close or a reused descriptor; callers hand requests over through a locked queue and an
/// eventfd. Each continuation is resumed exactly once, on the poller's thread.
public final class TCPConnectPoller: Sendable {
    /// The process-wide poller, started on first use.
    public static let shared = TCPConnectPoller()

    struct Request {
        let token: UInt64
        let endpoint: ProbeEndpoint
        let continuation: CheckedContinuation<CheckOutcome, Never>
    }

    struct Handover {
        var nextToken: UInt64 = 1
        var queued: [Request] = []
        var cancelled: [UInt64] = []
        /// Tokens handed over and not yet resumed.
        var live: Set<UInt64> = []
        var stopping = false
        var stopped = false

        var isIdle: Bool { queued.isEmpty && cancelled.isEmpty && !stopping }
    }

    let handover = Mutex(Handover())
    /// An eventfd that interrupts epoll_wait when requests or cancellations arrive.
    let wakeDescriptor: CInt
    let networkNamespacePath: String?

    /// A poller whose sockets live in the network namespace at `networkNamespacePath`
    /// (/run/netns/NAME) when given, else in the process's own.
    public init(networkNamespacePath: String? = nil) {
        wakeDescriptor = vigil_wake_fd()
        self.networkNamespacePath = networkNamespacePath
        startThread()
    }

    // Closed only here: a caller that decided to wake the thread still holds a reference.
    deinit { if wakeDescriptor >= 0 { close(wakeDescriptor) } }

    /// Connects to `endpoint` within its connect_timeout and closes at once: success, or why not.
    /// Cancelling the calling task closes the socket and returns a failure straight away.
    public func connect(to endpoint: ProbeEndpoint) async -> CheckOutcome {
        let token = handover.withLock { state in
            defer { state.nextToken &+= 1 }
            return state.nextToken
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Checked under the lock: a cancellation handler that runs later finds the request.
                let (accepted, mustWake) = handover.withLock { state -> (Bool, Bool) in
                    guard !Task.isCancelled, !state.stopping, !state.stopped else { return (false, false) }
                    let wasIdle = state.isIdle
                    state.queued.append(Request(token: token, endpoint: endpoint, continuation: continuation))
                    state.live.insert(token)
                    return (true, wasIdle)
                }
                guard accepted else {
                    continuation.resume(returning: Task.isCancelled ? Self.cancelledOutcome : Self.stoppedOutcome)
                    return
                }
                if mustWake { vigil_wake(wakeDescriptor) }
            }
        } onCancel: {
            cancel(token)
        }
    }

    /// Stops the thread: connects in flight end with a failure, every descriptor is closed.
    /// For pollers made for a test; the shared one runs for the life of the process.
    public func shutdown() {
        let mustWake = handover.withLock { state -> Bool in
            guard !state.stopping, !state.stopped else { return false }
            state.stopping = true
            return true
        }
        if mustWake { vigil_wake(wakeDescriptor) }
    }

    private func cancel(_ token: UInt64) {
        enum Action { case none, wake, resume(CheckedContinuation<CheckOutcome, Never>) }
        let action = handover.withLock { state -> Action in
            if let index = state.queued.firstIndex(where: { $0.token == token }) {
                state.live.remove(token)
                return .resume(state.queued.remove(at: index).continuation)
            }
            guard state.live.contains(token) else { return .none }
            let wasIdle = state.isIdle
            state.cancelled.append(token)
            return wasIdle ? .wake : .none
        }
        switch action {
        case .none: break
        case .wake: vigil_wake(wakeDescriptor)
        case .resume(let continuation): continuation.resume(returning: Self.cancelledOutcome)
        }
    }

    private func startThread() {
        guard !DetachedThread.start({ [self] in ConnectLoop(poller: self).run() }) else { return }
        handover.withLock { $0.stopped = true }
    }

    static let cancelledOutcome = CheckOutcome.failure(CheckFailure(.error, "check cancelled"))
    static let stoppedOutcome = CheckOutcome.failure(CheckFailure(.error, "connect poller stopped"))
}
