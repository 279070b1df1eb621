import NIOCore
import NIOPosix
import Synchronization

/// A TCP listener on 127.0.0.1 that plays a fixed script: `greeting` on connect, then the next of
/// `replies` for each command line (message lines after a 354 are swallowed up to the "."); for
/// replies aiosmtpd would never send. Records the command lines it received.
struct ScriptedPeer {
    let channel: any Channel
    private let log: CommandLog
    var port: Int { channel.localAddress?.port ?? 0 }
    var commands: [String] { log.lines.withLock { $0 } }

    static func start(greeting: String, replies: [String] = []) async throws -> ScriptedPeer {
        let log = CommandLog()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(Script(greeting: greeting, replies: replies, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedPeer(channel: channel, log: log)
    }

    func stop() async {
        try? await channel.close()
    }

    final class CommandLog: Sendable {
        let lines = Mutex<[String]>([])
    }

    private final class Script: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let greeting: String
        var replies: [String]
        let log: CommandLog
        var pending: [UInt8] = []
        var inData = false

        init(greeting: String, replies: [String], log: CommandLog) {
            self.greeting = greeting
            self.replies = replies
            self.log = log
        }

        func channelActive(context: ChannelHandlerContext) {
            send(greeting, context: context)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            pending += Array(unwrapInboundIn(data).readableBytesView)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<newline], as: UTF8.self).replacing("\r", with: "")
                pending.removeFirst(newline + 1)
                if inData {
                    if line == "." { inData = false } else { continue }
                } else {
                    log.lines.withLock { $0.append(line) }
                }
                guard !replies.isEmpty else { continue }
                let reply = replies.removeFirst()
                if reply.hasPrefix("354") { inData = true }
                send(reply, context: context)
            }
        }

        private func send(_ text: String, context: ChannelHandlerContext) {
            guard !text.isEmpty else { return }
            var buffer = context.channel.allocator.buffer(capacity: text.utf8.count)
            buffer.writeString(text)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }
}
