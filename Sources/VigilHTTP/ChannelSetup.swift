import Logging
import NIOCore
import NIOHTTP1

/// Builds one connection's pipeline: idle timer, HTTP codec with limits, the request handler.
struct ChannelSetup: Sendable {
    let role: ListenerRole
    let application: any HTTPRequestHandler
    let limits: HTTPServerLimits
    let registry: ConnectionRegistry
    let logger: Logger

    /// The child channel initializer: admission first, then the pipeline.
    func initialize(_ channel: any Channel, unixSocket: Bool) -> EventLoopFuture<Void> {
        guard registry.admit(channel, role: role) else {
            return channel.eventLoop.makeFailedFuture(ConnectionLimitReached())
        }
        guard unixSocket else {
            return channel.eventLoop.makeCompletedFuture { try configure(channel, peerUID: nil) }
        }
        return PeerCredentials.uid(of: channel).flatMapThrowing { uid in
            try configure(channel, peerUID: uid)
        }
    }

    private func configure(_ channel: any Channel, peerUID: UInt32?) throws {
        let pipeline = channel.pipeline.syncOperations
        // A client that pipelines requests and never reads the answers: reading stops while the
        // answers wait unsent (above the channel's write-buffer high-water mark), so it costs at
        // most that buffer, not memory growing with every request.
        try pipeline.addHandler(BackPressureHandler())
        let deadline = RequestHeadDeadline(timeout: TimeAmount(limits.requestHeadTimeout), logger: logger)
        try pipeline.addHandler(deadline)
        try pipeline.addHandler(IdleStateHandler(allTimeout: TimeAmount(limits.idleTimeout)))
        var decoderLimits = NIOHTTPDecoderLimitConfiguration()
        decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
        decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
        try pipeline.configureHTTPServerPipeline(
            withPipeliningAssistance: true,
            withErrorHandling: true,
            withOutboundHeaderValidation: true,
            withEncoderConfiguration: HTTPResponseEncoder.Configuration(),
            withDecoderLimitConfiguration: decoderLimits
        )
        try pipeline.addHandler(RequestHeadObserver(deadline: deadline))
        try pipeline.addHandler(
            HTTPConnectionHandler(
                application: application,
                role: role,
                peerUID: peerUID,
                limits: limits,
                logger: logger
            )
        )
    }
}

/// Fails the initializer of a connection over the limit, so NIO closes it unregistered.
struct ConnectionLimitReached: Error {}
