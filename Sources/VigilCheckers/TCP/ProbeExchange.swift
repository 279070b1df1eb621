import Glibc
import NIOCore
import VigilCheck

/// The result of one probe connection, kept on its event loop: the first result wins, later ones
/// (a late error, the deadline) are ignored, and finishing cancels the deadline and closes the channel.
/// `Value` is what a successful conversation hands back to be judged off the loop (an HTTP reply).
final class ProbeExchange<Value: Sendable> {
    private let promise: EventLoopPromise<Result<Value, CheckFailure>>
    private var channel: (any Channel)?
    private var deadline: Scheduled<Void>?
    private(set) var isFinished = false
    /// Close with a RST (SO_LINGER 0) so no TIME_WAIT stays behind on our side: with a fixed
    /// bind_port the next run reuses the same four-tuple, which TIME_WAIT would refuse for a minute.
    private let closesAbortively: Bool

    init(eventLoop: any EventLoop, closesAbortively: Bool) {
        promise = eventLoop.makePromise(of: Result<Value, CheckFailure>.self)
        self.closesAbortively = closesAbortively
    }

    var result: EventLoopFuture<Result<Value, CheckFailure>> { promise.futureResult }

    func attach(_ channel: any Channel) {
        if isFinished {
            close(channel)
        } else {
            self.channel = channel
        }
    }

    func setDeadline(_ deadline: Scheduled<Void>) {
        if isFinished { deadline.cancel() } else { self.deadline = deadline }
    }

    /// The deadline passed: says whether the connect or the conversation was too slow.
    func expire(after timeout: Duration) {
        let stage = channel == nil ? "connect did not complete" : "no complete reply"
        fail(CheckFailure(.timeout, "\(stage) within \(timeout)"))
    }

    func succeed(_ value: Value) {
        finish(.success(value))
    }

    func fail(_ failure: CheckFailure) {
        finish(.failure(failure))
    }

    private func finish(_ result: Result<Value, CheckFailure>) {
        guard !isFinished else { return }
        isFinished = true
        deadline?.cancel()
        deadline = nil
        if let channel { close(channel) }
        channel = nil
        promise.succeed(result)
    }

    private func close(_ channel: any Channel) {
        if closesAbortively, let options = channel as? any SocketOptionProvider {
            // On the channel's own loop this applies at once, before the close below.
            options.setSoLinger(linger(l_onoff: 1, l_linger: 0)).whenFailure { _ in }
        }
        channel.close(promise: nil)
    }
}

@available(*, unavailable)
extension ProbeExchange: Sendable {}
