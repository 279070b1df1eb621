import Synchronization

/// Runs work in the order it was queued, one chain per key (a vrrp_instance, a real server, a
/// virtual server's quorum), so a quick down-then-up cannot run notify_up before notify_down has
/// finished, while a slow script of one key never delays another key's. Queuing never waits.
final class OrderedScriptQueue: Sendable {
    private struct Chains {
        var last: [String: Task<Void, Never>] = [:]
        /// Bumped per queued item, so a finished chain can tell whether it is still the last.
        var serial: [String: Int] = [:]
    }
    private let chains = Mutex(Chains())

    /// Queues `work` behind everything queued earlier under `key`.
    func enqueue(_ key: String, _ work: @escaping @Sendable () async -> Void) {
        chains.withLock { chains in
            let previous = chains.last[key]
            let serial = (chains.serial[key] ?? 0) + 1
            chains.serial[key] = serial
            chains.last[key] = Task { [weak self] in
                await previous?.value
                await work()
                self?.forget(key, serial: serial)
            }
        }
    }

    /// Drops a finished chain's record, so keys that come and go (real servers) cost nothing.
    private func forget(_ key: String, serial: Int) {
        chains.withLock { chains in
            guard chains.serial[key] == serial else { return }
            chains.last[key] = nil
            chains.serial[key] = nil
        }
    }

    /// True when every chain queued so far has finished, or once `limit` has passed; never longer.
    /// A script that hangs must not hold up the caller (shutdown), so the wait is a race that the
    /// deadline always ends, unlike awaiting the chains, which would ignore cancellation.
    func drained(within limit: Duration) async -> Bool {
        let pending = chains.withLock { Array($0.last.values) }
        guard !pending.isEmpty else { return true }
        return await AsyncDeadline.finished(within: limit) {
            for chain in pending { await chain.value }
        }
    }
}
