import Synchronization
import VigilTelemetry

/// The last `capacity` events in memory, numbered from 1: answers "why did the VIP move?" after
/// the fact (`GET /events?since=N`, `vigilctl events [--follow]`). Emitting never blocks an engine
/// beyond a short lock, and the oldest events make room for new ones.
public final class EventJournal: Sendable {
    public static let defaultCapacity = 1_000
    private struct State {
        var records: [EventRecord] = []
        var next = 1
    }
    private let state = Mutex(State())
    private let capacity: Int
    private let now: @Sendable () -> Double

    /// `now` gives wall time in seconds since the epoch (a fixed clock in tests).
    public init(capacity: Int = EventJournal.defaultCapacity, now: @escaping @Sendable () -> Double = WallClock.now) {
        self.capacity = max(1, capacity)
        self.now = now
    }

    public func emit(_ event: VigilEvent) {
        let (kind, subject, message, fields) = event.record
        let time = WallClock.rfc3339(now())
        state.withLock { state in
            state.records.append(EventRecord(sequence: state.next, time: time, kind: kind, subject: subject, message: message, fields: fields))
            state.next += 1
            if state.records.count > capacity { state.records.removeFirst(state.records.count - capacity) }
        }
    }

    /// The events after `since` (all kept when nil), oldest first.
    public func events(since: Int? = nil) -> EventsDocument {
        state.withLock { state in
            let after = since ?? 0
            let kept = state.records.filter { $0.sequence > after }
            let oldest = state.records.first?.sequence ?? state.next
            return EventsDocument(events: kept, last: state.next - 1, dropped: max(0, oldest - after - 1))
        }
    }
}
