import Glibc
import NIOCore

/// The kernel's `struct ucred` (pid, uid, gid), which Swift's Glibc module does not import.
struct PeerCredentials: Sendable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0

    /// The uid of the process at the other end of a unix socket, nil when it cannot be read.
    static func uid(of channel: any Channel) -> EventLoopFuture<UInt32?> {
        guard MemoryLayout<PeerCredentials>.size == 12, let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(nil)
        }
        let credentials: EventLoopFuture<PeerCredentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET),
            name: SocketOptionName(SO_PEERCRED)
        )
        return credentials.map { Optional($0.uid) }.recover { _ in nil }
    }
}
