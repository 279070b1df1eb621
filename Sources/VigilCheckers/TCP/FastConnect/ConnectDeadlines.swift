/// Connect deadlines ordered soonest first (a binary min-heap), so the poller's next epoll_wait
/// timeout is one look away. Entries of connects that already ended are skipped when popped.
struct ConnectDeadlines {
    private var entries: [(deadline: UInt64, token: UInt64)] = []

    var soonest: UInt64? { entries.first?.deadline }

    mutating func insert(deadline: UInt64, token: UInt64) {
        entries.append((deadline, token))
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].deadline < entries[parent].deadline else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the token of the soonest deadline if it is at or before `now`.
    mutating func popExpired(now: UInt64) -> UInt64? {
        guard let first = entries.first, first.deadline <= now else { return nil }
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                let right = left + 1
                var smallest = parent
                if left < entries.count && entries[left].deadline < entries[smallest].deadline { smallest = left }
                if right < entries.count && entries[right].deadline < entries[smallest].deadline { smallest = right }
                guard smallest != parent else { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return first.token
    }
}
