import Logging
import NIOCore
import Synchronization

/// Counts and tracks open connections, with one budget per listener role (every TCP listener
/// shares the metrics budget; the control socket has its own, so no TCP client can lock root out),
/// and lets shutdown close every connection.
final class ConnectionRegistry: Sendable {
    private struct State {
        var open: [ObjectIdentifier: (channel: any Channel, role: ListenerRole)] = [:]
        var counts: [ListenerRole: Int] = [:]
        /// The roles refusing connections now, so a burst is logged once.
        var refusing: Set<ListenerRole> = []
        var closed = false
    }

    private let state = Mutex(State())
    private let limits: HTTPServerLimits
    private let logger: Logger

    init(limits: HTTPServerLimits, logger: Logger) {
        self.limits = limits
        self.logger = logger
    }

    /// Registers `channel` if its role has room; false means the caller must close it.
    func admit(_ channel: any Channel, role: ListenerRole) -> Bool {
        let id = ObjectIdentifier(channel)
        let limit = limits.connectionLimit(for: role)
        enum Outcome { case admitted, refusedFirst, refused }
        let outcome: Outcome = state.withLock { state in
            if state.closed { return .refused }
            if state.counts[role, default: 0] >= limit {
                return state.refusing.insert(role).inserted ? .refusedFirst : .refused
            }
            state.refusing.remove(role)
            state.open[id] = (channel, role)
            state.counts[role, default: 0] += 1
            return .admitted
        }
        switch outcome {
        case .admitted:
            channel.closeFuture.whenComplete { [self] _ in
                state.withLock { state in
                    if let entry = state.open.removeValue(forKey: id) { state.counts[entry.role, default: 1] -= 1 }
                }
            }
            return true
        case .refusedFirst:
            logger.warning(
                "connection limit reached, closing new connections until one ends",
                metadata: ["max_connections": "\(limit)", "role": "\(role.rawValue)"]
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
            return state.open.values.map(\.channel)
        }
    }

    var openCount: Int {
        state.withLock { $0.open.count }
    }
}
