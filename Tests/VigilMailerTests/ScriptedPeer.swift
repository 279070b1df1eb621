import NIOCore
import NIOPosix

/// A TCP listener on 127.0.0.1 that writes fixed bytes to each client and then stays silent;
/// for replies no real server would send.
struct ScriptedPeer {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    static func start(sending bytes: [UInt8]) async throws -> ScriptedPeer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(SendOnConnect(bytes: bytes))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedPeer(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class SendOnConnect: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let bytes: [UInt8]

        init(bytes: [UInt8]) { self.bytes = bytes }

        func channelActive(context: ChannelHandlerContext) {
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    }
}
