import NIOCore
import NIOHTTP1
import VigilCheck

/// Sends one GET and reads the reply: the status, the body's MD5 as it streams in, and the body
/// itself only when a regex needs it. A body over `bodyLimit` ends the exchange, so a hostile server
/// cannot make the checker hold more than that.
final class HTTPExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let request: HTTPRequestHead
    private let exchange: NIOLoopBoundBox<ProbeExchange<HTTPReply>>
    private let bodyLimit: Int
    private let keepsBody: Bool
    private var status: Int?
    private var digest = MD5()
    private var body: [UInt8] = []
    private var bodyLength = 0
    private var sawUncleanTLSShutdown = false

    init(request: HTTPRequestHead, exchange: NIOLoopBoundBox<ProbeExchange<HTTPReply>>, bodyLimit: Int, keepsBody: Bool) {
        self.request = request
        self.exchange = exchange
        self.bodyLimit = bodyLimit
        self.keepsBody = keepsBody
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(request)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !exchange.value.isFinished else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = Int(head.status.code)
        case .body(let buffer):
            bodyLength += buffer.readableBytes
            guard bodyLength <= bodyLimit else {
                exchange.value.fail(CheckFailure(.badReply, "body larger than \(bodyLimit) bytes"))
                return
            }
            buffer.withUnsafeReadableBytes { digest.update($0) }
            if keepsBody { body.append(contentsOf: buffer.readableBytesView) }
        case .end:
            guard let status else {
                exchange.value.fail(CheckFailure(.badReply, "reply without a status line"))
                return
            }
            exchange.value.succeed(
                HTTPReply(status: status, digest: MD5.hex(digest.finish()), body: keepsBody ? body : nil))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !exchange.value.isFinished {
            if status == nil && sawUncleanTLSShutdown {
                exchange.value.fail(CheckFailure(.tls, "TLS: connection closed before a reply"))
            } else {
                let stage = status == nil ? "before a reply" : "in the middle of the reply"
                exchange.value.fail(CheckFailure(.badReply, "connection closed \(stage)"))
            }
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if TLSFailure.isUncleanShutdown(error) {
            // The decoder ends a read-until-close body when the channel goes inactive next.
            sawUncleanTLSShutdown = true
            return
        }
        if let parserError = error as? HTTPParserError {
            exchange.value.fail(CheckFailure(.badReply, "malformed HTTP reply: \(parserError)"))
        } else {
            exchange.value.fail(TLSFailure.classify(error) ?? ConnectionFailure.classify(error))
        }
    }
}

@available(*, unavailable)
extension HTTPExchangeHandler: Sendable {}
