import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// Collects one request, runs the application handler in a Task off the event loop, and writes
/// the response back on the channel's loop. HTTPServerPipelineHandler (below) holds pipelined
/// requests back, so one connection has at most one request in flight.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case receiving(HTTPRequestHead, ByteBuffer)
        case handling
        /// A 413 went out; input is read and dropped until the connection closes.
        case rejected
    }

    private var state = State.idle
    /// The client shut down its sending side: answer what is in flight, then close.
    private var inputClosed = false
    private let application: any HTTPRequestHandler
    private let role: ListenerRole
    private let peerUID: UInt32?
    private let limits: HTTPServerLimits
    private let logger: Logger

    init(
        application: any HTTPRequestHandler,
        role: ListenerRole,
        peerUID: UInt32?,
        limits: HTTPServerLimits,
        logger: Logger
    ) {
        self.application = application
        self.role = role
        self.peerUID = peerUID
        self.limits = limits
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch (part, state) {
        case (.head(let head), .idle):
            let declared = head.headers.first(name: "content-length").flatMap { Int($0) } ?? 0
            if declared > limits.maxRequestBodyBytes {
                reject(context: context, requestHead: head)
            } else {
                state = .receiving(head, context.channel.allocator.buffer(capacity: declared))
            }
        case (.body(var chunk), .receiving(let head, var body)):
            guard body.readableBytes + chunk.readableBytes <= limits.maxRequestBodyBytes else {
                reject(context: context, requestHead: head)
                return
            }
            state = .handling  // drop the stored buffer's reference so the append does not copy
            body.writeBuffer(&chunk)
            state = .receiving(head, body)
        case (.end, .receiving(let head, let body)):
            dispatch(context: context, requestHead: head, body: body)
        case (_, .rejected):
            break
        default:
            logger.debug("unexpected request part, closing the connection", metadata: ["state": "\(state)"])
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case ChannelEvent.inputClosed? = event as? ChannelEvent {
            inputClosed = true
            // Half-closed while a request is read or handled: its answer closes the connection.
            switch state {
            case .receiving, .handling: return
            case .idle, .rejected: context.close(promise: nil)
            }
            return
        }
        if event is IdleStateHandler.IdleStateEvent {
            // A handler still working is not the client's idleness.
            if case .handling = state { return }
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("connection error", metadata: ["error": "\(error)", "role": "\(role.rawValue)"])
        context.close(promise: nil)
    }

    private func dispatch(context: ChannelHandlerContext, requestHead: HTTPRequestHead, body: ByteBuffer) {
        state = .handling
        let target = RequestTarget(requestHead.uri)
        let request = HTTPRequest(
            method: requestHead.method.rawValue,
            path: target.path,
            query: target.query,
            headers: requestHead.headers.map { (name: $0.name, value: $0.value) },
            body: Array(body.readableBytesView),
            role: role,
            peerUID: peerUID
        )
        let application = self.application
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context), eventLoop: eventLoop)
        let wantsGzip = requestHead.method != .HEAD && Gzip.accepted(by: requestHead.headers.first(name: "accept-encoding"))
        Task {
            let response = await HTTPConnectionHandler.respond(to: request, with: application, gzip: wantsGzip)
            eventLoop.execute {
                bound.value.handler.deliver(response, context: bound.value.context, requestHead: requestHead)
            }
        }
    }

    private static func respond(to request: HTTPRequest, with application: any HTTPRequestHandler, gzip: Bool) async -> HTTPResponse {
        let response = await application.handle(request)
        return gzip ? await compressed(response) : response
    }

    /// Compresses on NIO's blocking pool: a 13 MB body takes tens of milliseconds, which must not
    /// stall an event loop (other scrapes) or a cooperative thread (the engines).
    private static func compressed(_ response: HTTPResponse) async -> HTTPResponse {
        guard response.body.count >= Gzip.minimumSize,
            !response.headers.contains(where: { $0.name.lowercased() == "content-encoding" })
        else { return response }
        let body = response.body
        let attempt: [UInt8]?? = try? await NIOThreadPool.singleton.runIfActive { Gzip.compress(body) }
        guard let gzipped = attempt ?? nil else {
            return response
        }
        var result = response
        result.body = gzipped
        result.headers.append((name: "Content-Encoding", value: "gzip"))
        result.headers.append((name: "Vary", value: "Accept-Encoding"))
        return result
    }

    private func deliver(_ response: HTTPResponse, context: ChannelHandlerContext, requestHead: HTTPRequestHead) {
        guard case .handling = state, context.channel.isActive else { return }
        state = .idle
        let keepAlive = requestHead.isKeepAlive && !inputClosed
        let written = write(response, context: context, requestHead: requestHead, keepAlive: keepAlive)
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// Answers 413 at once, then stops sending but keeps reading (and dropping) so the client can
    /// finish its upload and read the answer instead of meeting a reset.
    private func reject(context: ChannelHandlerContext, requestHead: HTTPRequestHead) {
        state = .rejected
        let response = HTTPResponse.text(413, "request body larger than \(limits.maxRequestBodyBytes) bytes\n")
        let written = write(response, context: context, requestHead: requestHead, keepAlive: false)
        let channel = context.channel
        written.whenComplete { _ in
            channel.close(mode: .output, promise: nil)
            // Bound the lingering read: a client that keeps streaming is cut off.
            channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
        }
    }

    private func write(
        _ response: HTTPResponse,
        context: ChannelHandlerContext,
        requestHead: HTTPRequestHead,
        keepAlive: Bool
    ) -> EventLoopFuture<Void> {
        let isHead = requestHead.method == .HEAD
        let headers = ResponseHeaders.build(
            response,
            requestVersion: requestHead.version,
            keepAlive: keepAlive
        )
        let head = HTTPResponseHead(
            version: requestHead.version,
            status: HTTPResponseStatus(statusCode: response.status),
            headers: headers
        )
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if !isHead && !response.body.isEmpty {
            let buffer = context.channel.allocator.buffer(bytes: response.body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        return context.writeAndFlush(wrapOutboundOut(.end(nil)))
    }
}

@available(*, unavailable)
extension HTTPConnectionHandler: Sendable {}
