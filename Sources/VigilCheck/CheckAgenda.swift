/// The checks waiting to run, earliest first: a binary min-heap of (due time, checker id), so one
/// loop can sleep until the next due check among tens of thousands. Push and pop are O(log n);
/// equal due times come out in id order, so runs are deterministic.
///
/// It does not deduplicate: push each checker once per scheduled run, and skip popped ids that no
/// longer exist (after a reload).
public struct CheckAgenda<ID: Comparable & Sendable>: Sendable {
    /// One scheduled run.
    public struct Entry: Sendable, Equatable {
        public let due: CheckInstant
        public let id: ID

        public init(due: CheckInstant, id: ID) {
            self.due = due
            self.id = id
        }
    }

    private var heap: [Entry] = []

    public init() {}

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }
    /// When the earliest check is due; nil when nothing is scheduled.
    public var nextDue: CheckInstant? { heap.first?.due }

    public mutating func push(_ id: ID, at due: CheckInstant) {
        heap.append(Entry(due: due, id: id))
        siftUp(from: heap.count - 1)
    }

    /// Removes and returns the earliest entry.
    public mutating func pop() -> Entry? {
        guard let first = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(from: 0)
        }
        return first
    }

    /// Removes and returns every entry due at or before `now`, earliest first.
    public mutating func popDue(at now: CheckInstant) -> [Entry] {
        var due: [Entry] = []
        while let first = heap.first, first.due <= now, let entry = pop() {
            due.append(entry)
        }
        return due
    }

    private static func precedes(_ lhs: Entry, _ rhs: Entry) -> Bool {
        lhs.due != rhs.due ? lhs.due < rhs.due : lhs.id < rhs.id
    }

    private mutating func siftUp(from start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(from start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var best = parent
            if left < heap.count && Self.precedes(heap[left], heap[best]) { best = left }
            if right < heap.count && Self.precedes(heap[right], heap[best]) { best = right }
            guard best != parent else { return }
            heap.swapAt(parent, best)
            parent = best
        }
    }
}
