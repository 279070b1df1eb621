import VigilCore
/// How long an engine may go without proving progress before it counts as stalled.
public struct EngineDeadline: Sendable, Hashable {
    public let engine: String
    public let deadline: Duration
    public init(engine: String, deadline: Duration) {
        self.engine = engine
        self.deadline = deadline
    }
}

/// One engine's health at a moment.
public struct EngineHealth: Sendable, Hashable {
    public let engine: String
    /// Time since the engine last proved progress; nil if it never has.
    public let silence: Duration?
    public let deadline: Duration
    public var healthy: Bool { silence.map { $0 <= deadline } ?? false }

    /// Why the engine is unhealthy, in words for /healthz; nil when healthy.
    public var problem: String? {
        guard !healthy else { return nil }
        guard let silence else { return "engine \(engine) has not started" }
        return "engine \(engine) made no progress for \(Self.describe(silence)) (deadline \(Self.describe(deadline)))"
    }

    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.wholeMilliseconds
        return milliseconds < 10_000 ? "\(milliseconds) ms" : "\(milliseconds / 1000) s"
    }
}

/// The daemon's engines and when each last proved progress; time is passed in, never read.
///
/// Each engine beats from its own loop, so a beat proves that loop runs; /healthz and (later) the
/// systemd watchdog report healthy only while every registered engine is within its deadline.
public struct EngineProgress: Sendable {
    private var deadlines: [String: Duration] = [:]
    private var lastBeat: [String: Duration] = [:]

    public init(_ engines: [EngineDeadline] = []) {
        for engine in engines { deadlines[engine.engine] = engine.deadline }
    }

    /// Adds or changes an engine's deadline.
    public mutating func register(_ engine: EngineDeadline) { deadlines[engine.engine] = engine.deadline }

    /// Records that `engine` made progress at monotonic time `now`.
    public mutating func beat(_ engine: String, at now: Duration) {
        guard deadlines[engine] != nil else { return }
        lastBeat[engine] = now
    }

    /// Every engine's health at `now`, in name order.
    public func report(at now: Duration) -> [EngineHealth] {
        deadlines.keys.sorted().map { engine in
            EngineHealth(engine: engine, silence: lastBeat[engine].map { now - $0 }, deadline: deadlines[engine] ?? .zero)
        }
    }
}
