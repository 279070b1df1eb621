import NIOCore

/// Why no reply could be read from the channel.
enum SMTPChannelFailure: Error {
    /// The server sent nothing complete within the reply timeout.
    case timeout
    /// The connection ended (the peer closed it, or the session did).
    case closed
    /// The server sent bytes that are not an SMTP reply.
    case malformed(SMTPReplyParseError)
    /// The pipeline reported an error (network, TLS).
    case pipeline(any Error)
}

/// Collects the server's bytes into replies and hands them to one waiting reader at a time;
/// lives on the channel's event loop, so the session reaches it through `NIOLoopBound`.
final class SMTPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private var parser = SMTPReplyParser()
    private var queued: [SMTPReply] = []
    /// Set once: after it, no more replies arrive (queued ones are still handed out first).
    private var failure: SMTPChannelFailure?
    private var waiter: (promise: EventLoopPromise<SMTPReply>, timeout: Scheduled<Void>)?

    func handlerRemoved(context: ChannelHandlerContext) {
        fail(.closed)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard failure == nil else { return }
        parser.append(buffer.readableBytesView)
        do {
            while let reply = try parser.nextReply() {
                queued.append(reply)
            }
        } catch {
            fail(.malformed(error))
            context.close(promise: nil)
        }
        handOut()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.closed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.pipeline(error))
        context.close(promise: nil)
    }

    /// True when the server sent bytes nobody asked for yet; after the 220 to STARTTLS that would
    /// be clear text injected ahead of the TLS session, so the session refuses to go on.
    var hasUnreadInput: Bool { !queued.isEmpty || parser.hasUnconsumedBytes }

    /// The next reply, failing with `.timeout` when none is complete within `timeout`.
    func nextReply(timeout: TimeAmount, on eventLoop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        if !queued.isEmpty {
            return eventLoop.makeSucceededFuture(queued.removeFirst())
        }
        if let failure {
            return eventLoop.makeFailedFuture(failure)
        }
        if let previous = waiter {
            // A second concurrent reader is a session bug; the old one must not hang.
            waiter = nil
            previous.timeout.cancel()
            previous.promise.fail(SMTPChannelFailure.closed)
        }
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        let loopBoundSelf = NIOLoopBound(self, eventLoop: eventLoop)
        let scheduled = eventLoop.scheduleTask(in: timeout) {
            loopBoundSelf.value.expireWaiter(promise.futureResult)
        }
        waiter = (promise, scheduled)
        return promise.futureResult
    }

    private func expireWaiter(_ future: EventLoopFuture<SMTPReply>) {
        guard let current = waiter, current.promise.futureResult === future else { return }
        waiter = nil
        current.promise.fail(SMTPChannelFailure.timeout)
    }

    private func handOut() {
        guard let current = waiter else { return }
        if !queued.isEmpty {
            waiter = nil
            current.timeout.cancel()
            current.promise.succeed(queued.removeFirst())
        } else if let failure {
            waiter = nil
            current.timeout.cancel()
            current.promise.fail(failure)
        }
    }

    private func fail(_ newFailure: SMTPChannelFailure) {
        if failure == nil { failure = newFailure }
        handOut()
    }
}
