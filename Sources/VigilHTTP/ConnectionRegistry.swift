import Logging
import NIOCore
import Synchronization

/// Counts and tracks open connections across all listeners of one server, so the limit holds
/// server-wide and shutdown can close every connection.
final class ConnectionRegistry: Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        /// Set while connections are being refused, so a burst is logged once.
        var refusing = false
        var closed = false
    }

    private let state = Mutex(State())
    private let limit: Int
    private let logger: Logger

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// Registers `channel` if there is room; false means the caller must close it.
    func admit(_ channel: any Channel) -> Bool {
        let id = ObjectIdentifier(channel)
        enum Outcome { case admitted, refusedFirst, refused }
        let outcome: Outcome = state.withLock { state in
            if state.closed { return .refused }
            if state.open.count >= limit {
                defer { state.refusing = true }
                return state.refusing ? .refused : .refusedFirst
            }
            state.refusing = false
            state.open[id] = channel
            return .admitted
        }
        switch outcome {
        case .admitted:
            channel.closeFuture.whenComplete { [self] _ in
                _ = state.withLock { $0.open.removeValue(forKey: id) }
            }
            return true
        case .refusedFirst:
            logger.warning(
                "connection limit reached, closing new connections until one ends",
                metadata: ["max_connections": "\(limit)"]
            )
            return false
        case .refused:
            return false
        }
    }

    /// Refuses new connections from now on and returns the ones still open.
    func closeAdmission() -> [any Channel] {
        state.withLock { state in
            state.closed = true
            return Array(state.open.values)
        }
    }

    var openCount: Int {
        state.withLock { $0.open.count }
    }
}
