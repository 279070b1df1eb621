import Glibc
import NIOCore
import Synchronization
import VigilCheck

/// One socket waiting for its reply. Whatever ends the wait first (a verdict, a socket error, the
/// timer, cancellation) resumes the caller and hands the socket back to the poller to close.
final class DatagramWaiter: Sendable {
    private struct State {
        var continuation: CheckedContinuation<DatagramExchangeEnd, Never>?
        /// Set once the wait has ended, possibly before `start` (cancellation).
        var end: DatagramExchangeEnd?
        var started = false
        var timer: Scheduled<Void>?
    }

    let descriptor: CInt
    private let capacity: Int
    private let judge: @Sendable ([UInt8]) -> DatagramVerdict
    private let poller: DatagramPoller
    private let state = Mutex(State())

    init(descriptor: CInt, capacity: Int, poller: DatagramPoller = .shared, judge: @escaping @Sendable ([UInt8]) -> DatagramVerdict) {
        self.descriptor = descriptor
        self.capacity = capacity
        self.poller = poller
        self.judge = judge
    }

    func start(
        sending payload: [UInt8], timeout: Duration, on loop: any EventLoop, continuation: CheckedContinuation<DatagramExchangeEnd, Never>
    ) {
        let ended = state.withLock { state -> DatagramExchangeEnd? in
            if let end = state.end { return end }
            state.continuation = continuation
            state.started = true
            return nil
        }
        if let ended {
            close(descriptor)
            continuation.resume(returning: ended)
            return
        }
        poller.add(self)
        let sent = payload.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        if sent < 0 {
            finish(.socketError(DatagramFailure.classify(errno: errno)))
            return
        }
        let timer = loop.scheduleTask(in: TimeAmount(timeout)) { [self] in finish(.timedOut) }
        let alreadyEnded = state.withLock { state in
            state.timer = timer
            return state.end != nil
        }
        if alreadyEnded { timer.cancel() }
    }

    /// Ends the wait once; later calls do nothing.
    func finish(_ end: DatagramExchangeEnd) {
        let (continuation, timer, started) = state.withLock {
            state -> (CheckedContinuation<DatagramExchangeEnd, Never>?, Scheduled<Void>?, Bool) in
            guard state.end == nil else { return (nil, nil, false) }
            state.end = end
            defer {
                state.continuation = nil
                state.timer = nil
            }
            return (state.continuation, state.timer, state.started)
        }
        timer?.cancel()
        guard let continuation else { return }
        if started { poller.remove(descriptor) }
        continuation.resume(returning: end)
    }

    /// Called on the poller's thread: reads every queued datagram; a receive error is the
    /// socket's pending ICMP error.
    func ready(hasError: Bool, buffer: inout [UInt8]) {
        let length = min(capacity, buffer.count)
        while state.withLock({ $0.end == nil }) {
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, length, Int32(MSG_DONTWAIT)) }
            if count >= 0 {
                if case .finish(let outcome) = judge(Array(buffer.prefix(count))) { finish(.finished(outcome)) }
                continue
            }
            let code = errno
            if code == EINTR { continue }
            if code != EAGAIN && code != EWOULDBLOCK {
                finish(.socketError(DatagramFailure.classify(errno: code)))
            } else if hasError {
                finish(.socketError(pendingError()))
            }
            return
        }
    }

    /// The error behind a POLLERR that recv did not report: SO_ERROR, else whatever sits in the
    /// error queue (which would otherwise keep poll waking up).
    private func pendingError() -> CheckFailure {
        var code: CInt = 0
        var length = socklen_t(MemoryLayout<CInt>.size)
        if getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length) == 0, code != 0 {
            return DatagramFailure.classify(errno: code)
        }
        return CheckFailure(.unreachable, "an ICMP error came back")
    }
}
