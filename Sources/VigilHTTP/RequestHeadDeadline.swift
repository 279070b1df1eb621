import Logging
import NIOCore
import NIOHTTP1

/// Closes a connection whose request head is not complete `timeout` after its first byte. The
/// idle timer alone lets a client hold a connection for ever by sending a byte now and then;
/// this bounds what such a client costs. Sits before the HTTP decoder; `RequestHeadObserver`,
/// after it, says when a head is complete and when a request has ended.
final class RequestHeadDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let timeout: TimeAmount
    private let logger: Logger
    /// True between requests: the next byte starts the clock.
    private var awaitingHead = true
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if awaitingHead, timer == nil {
            let channel = context.channel
            let (logger, timeout) = (logger, timeout)
            timer = context.eventLoop.scheduleTask(in: timeout) {
                logger.debug("request head not complete in time; closing the connection", metadata: ["seconds": "\(timeout.nanoseconds / 1_000_000_000)"])
                channel.close(promise: nil)
            }
        }
        context.fireChannelRead(data)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    /// The head arrived in time.
    func headReceived() {
        timer?.cancel()
        timer = nil
        awaitingHead = false
    }

    /// The request is complete: the next byte starts the next head's clock.
    func requestEnded() { awaitingHead = true }
}

/// Tells `RequestHeadDeadline` where each request starts and ends, from the decoded parts.
final class RequestHeadObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart

    private let deadline: RequestHeadDeadline

    init(deadline: RequestHeadDeadline) { self.deadline = deadline }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: deadline.headReceived()
        case .end: deadline.requestEnded()
        case .body: break
        }
        context.fireChannelRead(data)
    }
}
