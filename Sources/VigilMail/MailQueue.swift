/// A bounded queue of messages waiting for delivery, each with its own retry time. Pure: times are
/// passed in (any monotonic origin). When full, the oldest message is dropped for the new one:
/// the newest alert tells the current state, the oldest one is history.
public struct MailQueue<Item: Sendable>: Sendable {
    /// 100 alerts is hours of a bad day for one cluster; more means mail is down and growing the queue helps nobody.
    public static var defaultCapacity: Int { 100 }

    /// One queued message and its delivery history.
    public struct Entry: Sendable {
        public let id: UInt64
        public let item: Item
        public let queuedAt: Duration
        public var attempts: Int
        public var nextAttemptAt: Duration
    }

    public let capacity: Int
    private var entries: [Entry] = []
    private var nextId: UInt64 = 1

    public init(capacity: Int = Self.defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    /// Adds `item`, due at once; returns the entry dropped to make room, if any.
    public mutating func enqueue(_ item: Item, now: Duration) -> Entry? {
        var dropped: Entry?
        if entries.count >= capacity { dropped = entries.removeFirst() }
        entries.append(Entry(id: nextId, item: item, queuedAt: now, attempts: 0, nextAttemptAt: now))
        nextId += 1
        return dropped
    }

    /// The oldest entry due at `now`, marked as being attempted (its attempt count goes up).
    public mutating func takeDue(now: Duration) -> Entry? {
        guard let index = entries.firstIndex(where: { $0.nextAttemptAt <= now }) else { return nil }
        entries[index].attempts += 1
        return entries[index]
    }

    /// When the next entry is due; nil when the queue is empty.
    public var nextDue: Duration? { entries.map(\.nextAttemptAt).min() }

    /// Removes a delivered (or abandoned) entry.
    public mutating func remove(id: UInt64) {
        entries.removeAll { $0.id == id }
    }

    /// Schedules the next attempt of an entry.
    public mutating func retry(id: UInt64, at time: Duration) {
        guard let index = entries.firstIndex(where: { $0.id == id }) else { return }
        entries[index].nextAttemptAt = time
    }

    /// The entry with `id`, if still queued.
    public func entry(id: UInt64) -> Entry? { entries.first { $0.id == id } }
}
