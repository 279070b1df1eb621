import Glibc
import NIOCore
import NIOPosix
import VigilCheck

/// A client bootstrap on one event loop with the endpoint's source settings: bindto/bind_port,
/// bind_if (SO_BINDTOIFINDEX, the index form of SO_BINDTODEVICE, so it fits NIO's integer
/// socket options) and fwmark (SO_MARK, which needs CAP_NET_ADMIN).
enum ProbeBootstrap {
    static func make(on loop: any EventLoop, endpoint: ProbeEndpoint) throws(CheckFailure) -> ClientBootstrap {
        guard var bootstrap = ClientBootstrap(validatingGroup: loop) else {
            throw CheckFailure(.error, "the event loop group is not one NIO's sockets can use")
        }
        bootstrap = bootstrap.connectTimeout(TimeAmount(endpoint.connectTimeout))
        if let interface = endpoint.bindInterface {
            // Resolved on every run, on the loop's thread: interfaces come and go, and the index
            // must come from the namespace the socket is opened in.
            let index = if_nametoindex(interface)
            guard index != 0 else { throw CheckFailure(.error, "bind_if \(interface): no such interface") }
            bootstrap = bootstrap.channelOption(
                .socketOption(NIOBSDSocket.Option(rawValue: SO_BINDTOIFINDEX)), value: SocketOptionValue(index))
        }
        if let mark = endpoint.firewallMark {
            bootstrap = bootstrap.channelOption(
                .socketOption(NIOBSDSocket.Option(rawValue: SO_MARK)),
                value: SocketOptionValue(truncatingIfNeeded: mark))
        }
        if endpoint.bindAddress != nil || endpoint.bindPort != nil {
            let source = endpoint.bindAddress ?? endpoint.address.unspecifiedOfSameFamily
            do {
                bootstrap = bootstrap.bind(to: try source.socketAddress(port: endpoint.bindPort ?? 0))
            } catch {
                throw CheckFailure(.error, "bindto \(source): \(error)")
            }
            if endpoint.bindPort != nil {
                // A fixed source port is reused every delay_loop while the last connection may
                // still sit in TIME_WAIT.
                bootstrap = bootstrap.channelOption(.socketOption(.so_reuseaddr), value: 1)
            }
        }
        return bootstrap
    }
}
