import NIOCore
import VigilCheck

/// Speaks the check's part of SMTP: waits for the 220 greeting, sends EHLO (HELO when the server
/// does not know EHLO), expects 250, then says QUIT and is done.
final class SMTPDialogueHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Stage {
        case greeting
        case ehlo
        case helo
        case quitting
    }

    private let heloName: String
    private let exchange: NIOLoopBoundBox<ProbeExchange<Void>>
    private var reader = SMTPReplyReader()
    private var stage = Stage.greeting

    init(heloName: String, exchange: NIOLoopBoundBox<ProbeExchange<Void>>) {
        self.heloName = heloName
        self.exchange = exchange
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !exchange.value.isFinished, stage != .quitting else { return }
        let buffer = unwrapInboundIn(data)
        do {
            for reply in try reader.feed(buffer.readableBytesView) {
                handle(reply, context: context)
                if exchange.value.isFinished || stage == .quitting { return }
            }
        } catch {
            exchange.value.fail(error)
        }
    }

    private func handle(_ reply: SMTPReply, context: ChannelHandlerContext) {
        switch (stage, reply.code) {
        case (.greeting, 220):
            send("EHLO \(heloName)", context: context)
            stage = .ehlo
        case (.ehlo, 500...504):
            // EHLO unknown or not implemented: an old server, which must still know HELO.
            send("HELO \(heloName)", context: context)
            stage = .helo
        case (.ehlo, 250), (.helo, 250):
            stage = .quitting
            let exchange = self.exchange
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "QUIT\r\n"))).whenComplete { _ in
                exchange.value.succeed(())
            }
        case (.greeting, _):
            exchange.value.fail(CheckFailure(.badReply, "greeting \(Self.describe(reply)), expected 220"))
        default:
            let command = stage == .helo ? "HELO" : "EHLO"
            exchange.value.fail(CheckFailure(.badReply, "\(command) answered \(Self.describe(reply)), expected 250"))
        }
    }

    private func send(_ command: String, context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: command + "\r\n")), promise: nil)
    }

    private static func describe(_ reply: SMTPReply) -> String {
        let text = reply.lines.first.map { SMTPReplyReader.printable(Array($0.utf8)) } ?? ""
        return text.isEmpty ? "\(reply.code)" : "\(reply.code) \(text)"
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !exchange.value.isFinished {
            let stage = switch self.stage {
            case .greeting: "before the greeting"
            case .ehlo: "after EHLO"
            case .helo: "after HELO"
            case .quitting: "after QUIT"
            }
            exchange.value.fail(CheckFailure(.badReply, "connection closed \(stage)"))
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        exchange.value.fail(ConnectionFailure.classify(error))
    }
}

@available(*, unavailable)
extension SMTPDialogueHandler: Sendable {}
