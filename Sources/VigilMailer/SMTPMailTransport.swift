import NIOCore
import NIOPosix
import NIOSSL

/// Delivers each message in its own SMTP session over SwiftNIO: EHLO, STARTTLS or implicit TLS,
/// AUTH PLAIN/LOGIN only under TLS, then the envelope and the message; the runtime's queue owns retries.
public struct SMTPMailTransport: MailTransport {
    private let group: any EventLoopGroup

    public init(group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.group = group
    }

    public func deliver(
        _ envelope: MailEnvelope, via server: SMTPServerSettings
    ) async throws(SMTPDeliveryError) -> SMTPDeliveryReceipt {
        try SMTPRequestValidation.check(envelope, server)
        guard !Task.isCancelled else {
            throw SMTPDeliveryError(stage: .connect, detail: "delivery cancelled before connecting", isPermanent: false)
        }
        let tlsContext = try Self.makeTLSContext(server)
        let connection = try await connect(server)
        let dialogue = SMTPDialogue(connection: connection, server: server, tlsContext: tlsContext)
        // Closing the channel fails the pending read, so a cancelled delivery ends at once.
        let result: Result<SMTPDeliveryReceipt, SMTPDeliveryError> = await withTaskCancellationHandler {
            do throws(SMTPDeliveryError) {
                return .success(try await dialogue.run(envelope))
            } catch {
                return .failure(error)
            }
        } onCancel: {
            connection.close()
        }
        connection.close()
        if case .failure(let error) = result, Task.isCancelled {
            throw SMTPDeliveryError(stage: error.stage, detail: "delivery cancelled (\(error.detail))", isPermanent: false)
        }
        return try result.get()
    }

    private static func makeTLSContext(_ server: SMTPServerSettings) throws(SMTPDeliveryError) -> NIOSSLContext? {
        guard server.tls != .none else { return nil }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = server.verifyCertificate ? .fullVerification : .none
        if let caFile = server.caFile {
            configuration.trustRoots = .file(caFile)
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            let what = server.caFile.map { "vigil_smtp_ca_file \($0) could not be loaded" } ?? "the TLS settings could not be loaded"
            throw SMTPDeliveryError(stage: .tls, detail: "\(what): \(error)", isPermanent: true)
        }
    }

    private func connect(_ server: SMTPServerSettings) async throws(SMTPDeliveryError) -> SMTPChannel {
        let host = SMTPHost.unbracketed(server.host)
        let timeout = SMTPChannel.timeAmount(server.connectTimeout)
        // The reader is kept from the initializer on: a server that replies and hangs up at once
        // tears the pipeline down before a later lookup could find the reply.
        let readers = SMTPReaderRegistry()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(ChannelOptions.socketOption(.so_keepalive), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let reader = SMTPReplyHandler()
                    try channel.pipeline.syncOperations.addHandler(reader)
                    readers.register(NIOLoopBound(reader, eventLoop: channel.eventLoop), for: channel)
                }
            }
        let channel: any Channel
        do {
            if let literal = try? SocketAddress(ipAddress: host, port: server.port) {
                channel = try await bootstrap.connect(to: literal).get()
            } else {
                channel = try await bootstrap.connect(host: host, port: server.port).get()
            }
        } catch {
            throw SMTPDeliveryError(
                stage: .connect,
                detail: "cannot connect to \(SMTPHost.display(host, port: server.port)): \(Self.describeConnectError(error, timeout: server.connectTimeout))",
                isPermanent: false)
        }
        guard let handler = readers.reader(for: channel) else {
            channel.close(promise: nil)
            throw SMTPDeliveryError(stage: .connect, detail: "the connection has no SMTP reader", isPermanent: false)
        }
        let secrets = server.credentials.map { [$0.password, SMTPDialogue.plainResponse($0), SMTPBase64.encode(Array($0.password.utf8))] } ?? []
        return SMTPChannel(channel: channel, handler: handler, timeout: server.connectTimeout, secrets: secrets)
    }

    private static func describeConnectError(_ error: any Error, timeout: Duration) -> String {
        if case .connectTimeout? = error as? ChannelError {
            return "no connection within \(SMTPChannel.describe(timeout))"
        }
        if let connectionError = error as? NIOConnectionError {
            if let first = connectionError.connectionErrors.first {
                return describeConnectError(first.error, timeout: timeout)
            }
            if let dnsError = connectionError.dnsAError ?? connectionError.dnsAAAAError {
                return "cannot resolve the host name (\(dnsError))"
            }
            return "no address for the host name"
        }
        if let ioError = error as? IOError {
            return ioError.description
        }
        return "\(error)"
    }
}
