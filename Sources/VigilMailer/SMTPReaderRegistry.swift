import NIOCore
import Synchronization

/// Hands the reply reader made in a channel initializer to the code that awaited the connect;
/// keyed by channel because happy eyeballs may initialise several channels for one connect.
final class SMTPReaderRegistry: Sendable {
    private let readers = Mutex<[ObjectIdentifier: NIOLoopBound<SMTPReplyHandler>]>([:])

    func register(_ reader: NIOLoopBound<SMTPReplyHandler>, for channel: any Channel) {
        readers.withLock { $0[ObjectIdentifier(channel)] = reader }
    }

    func reader(for channel: any Channel) -> NIOLoopBound<SMTPReplyHandler>? {
        readers.withLock { $0[ObjectIdentifier(channel)] }
    }
}
