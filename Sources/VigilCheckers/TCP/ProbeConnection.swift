import NIOCore
import NIOPosix
import VigilCheck

/// Runs one TCP conversation with an endpoint on one event loop of the shared group, bounded by
/// the endpoint's connect_timeout from the start of the connect to the result.
enum ProbeConnection {
    /// When the conversation is over.
    enum Completion<Value: Sendable>: Sendable {
        /// TCP_CHECK: connecting is the whole check, and this is its value.
        case onConnect(Value)
        /// The handlers that the installer adds finish the exchange themselves.
        case byHandlers
    }

    /// Adds the conversation's handlers to a new channel; called on the channel's event loop.
    typealias HandlerInstaller<Value: Sendable> =
        @Sendable (any Channel, NIOLoopBoundBox<ProbeExchange<Value>>) throws -> Void

    static func run<Value: Sendable>(
        endpoint: ProbeEndpoint, group: any EventLoopGroup, completion: Completion<Value>,
        installHandlers: HandlerInstaller<Value>? = nil
    ) async -> Result<Value, CheckFailure> {
        let loop = group.next()
        let exchange = ProbeExchange<Value>(eventLoop: loop, closesAbortively: endpoint.bindPort != nil)
        let result = exchange.result
        let box = NIOLoopBoundBox.makeBoxSendingValue(exchange, eventLoop: loop)
        let timeout = endpoint.connectTimeout
        // Everything happens on the loop, sockets included: socket(2) runs on the calling thread,
        // so a loop whose thread sits in another network namespace opens its sockets there.
        let begin: @Sendable () -> Void = {
            if case .byHandlers = completion {
                // A bare connect is bounded by the bootstrap's connect timeout; a conversation needs its own.
                let deadline = loop.scheduleTask(in: TimeAmount(timeout)) {
                    box.value.expire(after: timeout)
                }
                box.value.setDeadline(deadline)
            }
            start(endpoint: endpoint, box: box, completion: completion, installHandlers: installHandlers)
        }
        if loop.inEventLoop { begin() } else { loop.execute(begin) }
        return await withTaskCancellationHandler {
            (try? await result.get()) ?? .failure(CheckFailure(.error, "probe ended without a result"))
        } onCancel: {
            loop.execute { box.value.fail(CheckFailure(.error, "cancelled")) }
        }
    }

    private static func start<Value: Sendable>(
        endpoint: ProbeEndpoint, box: NIOLoopBoundBox<ProbeExchange<Value>>, completion: Completion<Value>,
        installHandlers: HandlerInstaller<Value>?
    ) {
        let destination: SocketAddress
        var bootstrap: ClientBootstrap
        do {
            destination = try endpoint.address.socketAddress(port: endpoint.port)
            bootstrap = try ProbeBootstrap.make(on: box.eventLoop, endpoint: endpoint)
        } catch let failure as CheckFailure {
            box.value.fail(failure)
            return
        } catch {
            box.value.fail(CheckFailure(.error, "address \(endpoint.address) port \(endpoint.port): \(error)"))
            return
        }
        if let installHandlers {
            bootstrap = bootstrap.channelInitializer { channel in
                do {
                    try installHandlers(channel, box)
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
        }
        bootstrap.connect(to: destination).whenComplete { result in
            switch result {
            case .success(let channel):
                box.value.attach(channel)
                if case .onConnect(let value) = completion { box.value.succeed(value) }
            case .failure(let error):
                box.value.fail(ConnectionFailure.classify(error))
            }
        }
    }
}
