import Glibc
import Logging
import NIOCore
import NIOPosix

/// The listeners: TCP for scrapes, a unix socket (mode 0600) for control.
public final class HTTPServer: Sendable {
    private struct Listener: Sendable {
        let channel: any Channel
        let address: ListenAddress
        let role: ListenerRole
        let socketFile: UnixSocketFile?
    }

    private let listeners: [Listener]
    private let registry: ConnectionRegistry

    private init(listeners: [Listener], registry: ConnectionRegistry) {
        self.listeners = listeners
        self.registry = registry
    }

    /// Binds every listener (all or none) and starts serving `handler`.
    public static func start(
        listeners requested: [(address: ListenAddress, role: ListenerRole)],
        handler: any HTTPRequestHandler,
        limits: HTTPServerLimits = HTTPServerLimits(),
        logger: Logger
    ) async throws -> HTTPServer {
        let registry = ConnectionRegistry(limits: limits, logger: logger)
        var bound: [Listener] = []
        for (address, role) in requested {
            let setup = ChannelSetup(role: role, application: handler, limits: limits, registry: registry, logger: logger)
            do {
                bound.append(try await bind(address, role: role, setup: setup))
            } catch {
                for listener in bound {
                    try? await listener.channel.close()
                    listener.socketFile?.remove()
                }
                throw error
            }
        }
        for listener in bound {
            logger.info("listening", metadata: ["role": "\(listener.role.rawValue)", "address": "\(listener.address)"])
        }
        return HTTPServer(listeners: bound, registry: registry)
    }

    /// The listeners as bound: actual ports where 0 was asked.
    public var boundAddresses: [(address: ListenAddress, role: ListenerRole)] {
        listeners.map { (address: $0.address, role: $0.role) }
    }

    /// Connections open right now (for tests and the status page).
    public var openConnections: Int {
        registry.openCount
    }

    /// Closes the listeners and every open connection, and removes the socket files it created.
    public func shutdown() async {
        let closing = listeners.map { $0.channel.close() }
        let open = registry.closeAdmission()
        for channel in open {
            channel.close(promise: nil)
        }
        for future in closing {
            try? await future.get()
        }
        for channel in open {
            try? await channel.closeFuture.get()
        }
        for listener in listeners {
            listener.socketFile?.remove()
        }
    }

    private static func bind(_ address: ListenAddress, role: ListenerRole, setup: ChannelSetup) async throws(HTTPServerError) -> Listener {
        let isUnix: Bool
        if case .unixSocket = address { isUnix = true } else { isUnix = false }
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            // A client that sends its request and shuts down its side still gets the answer.
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                setup.initialize(channel, unixSocket: isUnix)
            }
        switch address {
        case .tcp(let host, let port):
            let socketAddress: SocketAddress
            do {
                socketAddress = try SocketAddress(ipAddress: host, port: port)
            } catch {
                throw .cannotBind(address, reason: "\(host) is not a numeric IPv4 or IPv6 address")
            }
            let channel: any Channel
            do {
                channel = try await bootstrap.bind(to: socketAddress).get()
            } catch {
                throw Self.bindError(error, address: address)
            }
            let actualPort = channel.localAddress?.port ?? port
            return Listener(channel: channel, address: .tcp(host: host, port: actualPort), role: role, socketFile: nil)
        case .unixSocket(let path):
            var file = UnixSocketFile(path: path)
            try file.prepare()
            let channel: any Channel
            do {
                channel = try await bootstrap.bind(unixDomainSocketPath: path).get()
            } catch {
                if let ioError = error as? IOError, ioError.errnoCode == EADDRINUSE {
                    throw .socketInUse(path: path)
                }
                throw Self.bindError(error, address: address)
            }
            do {
                try file.secure()
            } catch {
                try? await channel.close()
                unlink(path)
                throw error
            }
            return Listener(channel: channel, address: address, role: role, socketFile: file)
        }
    }

    private static func bindError(_ error: any Error, address: ListenAddress) -> HTTPServerError {
        guard let ioError = error as? IOError else {
            return .cannotBind(address, reason: "\(error)")
        }
        switch ioError.errnoCode {
        case EADDRINUSE: return .addressInUse(address)
        case EACCES, EPERM: return .permissionDenied(address)
        case EADDRNOTAVAIL: return .cannotBind(address, reason: "the address is not assigned to any interface of this host")
        case let code: return .cannotBind(address, reason: String(cString: strerror(code)))
        }
    }
}
