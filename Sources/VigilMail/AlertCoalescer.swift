/// Holds back alerts for a subject that keeps changing, so a flapping instance sends a digest,
/// not a mail per change. Pure: the caller passes the time (any monotonic origin).
///
/// The first change of a quiet subject opens a window and goes out at once, and so does one more
/// change in that window: a start (BACKUP, then MASTER a few seconds later) or a failover (FAULT,
/// then BACKUP) is two mails, each on time. Further changes in the window are held; when the window
/// ends, the held ones go out as one digest and a new window starts, in which every change is held.
/// So 20 flaps in 10 s send 3 mails, and a subject that flaps without end sends one mail per window;
/// a window with no change ends the episode.
public struct AlertCoalescer: Sendable {
    /// 30 s covers the bursts seen in practice (a bouncing link, a script on the edge of its
    /// threshold) while the operator still learns the settled state within half a minute.
    public static let defaultWindow = Duration.seconds(30)

    /// Changes sent at once in a subject's first window.
    public static let burst = 2

    private struct Window {
        var endsAt: Duration
        var held: [AlertEvent] = []
        /// Changes still allowed out at once in this window.
        var allowance: Int
    }

    public let window: Duration
    private var windows: [AlertSubject: Window] = [:]

    public init(window: Duration = Self.defaultWindow) {
        self.window = window
    }

    /// What happened to an offered event.
    public enum Outcome: Equatable, Sendable {
        /// Send this now (the event alone).
        case sendNow([AlertEvent])
        /// Held for the digest when the subject's window ends.
        case held
    }

    /// Offers a new event; a quiet subject sends at once, a busy one holds it.
    public mutating func offer(_ event: AlertEvent, now: Duration) -> Outcome {
        // Held events not yet collected by `due` keep their place even when the window has just ended.
        if var open = windows[event.subject], now < open.endsAt || !open.held.isEmpty {
            if open.allowance > 0 && open.held.isEmpty {
                open.allowance -= 1
                windows[event.subject] = open
                return .sendNow([event])
            }
            open.held.append(event)
            windows[event.subject] = open
            return .held
        }
        windows[event.subject] = Window(endsAt: now + window, allowance: Self.burst - 1)
        return .sendNow([event])
    }

    /// Digests whose window has ended, each oldest event first; subjects quiet for a whole window are forgotten.
    public mutating func due(now: Duration) -> [[AlertEvent]] {
        var digests: [[AlertEvent]] = []
        for (subject, open) in windows where open.endsAt <= now {
            if open.held.isEmpty {
                windows[subject] = nil
            } else {
                digests.append(open.held)
                windows[subject] = Window(endsAt: now + window, allowance: 0)
            }
        }
        return digests.sorted { ($0.first?.at ?? 0) < ($1.first?.at ?? 0) }
    }

    /// Every held digest now, whatever its window (at shutdown: the last word goes out).
    public mutating func flushAll() -> [[AlertEvent]] {
        let digests = windows.values.map(\.held).filter { !$0.isEmpty }.sorted { ($0.first?.at ?? 0) < ($1.first?.at ?? 0) }
        for subject in windows.keys { windows[subject]?.held = [] }
        return digests
    }

    /// When `due` next has something to return; nil when nothing is held.
    public var nextDue: Duration? {
        windows.values.filter { !$0.held.isEmpty }.map(\.endsAt).min()
    }

    /// Events held now, over all subjects.
    public var heldCount: Int { windows.values.reduce(0) { $0 + $1.held.count } }
}
