import VigilCore

/// Collects diagnostics while one configuration is read; used from one thread only.
public final class DiagnosticSink {
    public private(set) var diagnostics = Diagnostics()
    /// Stops a runaway input from producing unbounded diagnostics.
    public let limit: Int
    public private(set) var dropped = 0

    public init(limit: Int = 1_000) { self.limit = limit }

    public func add(_ diagnostic: Diagnostic) {
        if diagnostics.all.count >= limit && diagnostic.severity != .error || diagnostics.all.count >= limit * 2 {
            dropped += 1
            return
        }
        diagnostics.append(diagnostic)
    }

    public func error(
        _ message: String, at location: SourceLocation, expected: String? = nil, hint: String? = nil,
        keyword: String? = nil
    ) {
        add(Diagnostic(.error, at: location, message, expected: expected, hint: hint, keyword: keyword))
    }

    public func warning(
        _ message: String, at location: SourceLocation, expected: String? = nil, hint: String? = nil,
        keyword: String? = nil
    ) {
        add(Diagnostic(.warning, at: location, message, expected: expected, hint: hint, keyword: keyword))
    }

    public func note(_ message: String, at location: SourceLocation, keyword: String? = nil) {
        add(Diagnostic(.note, at: location, message, keyword: keyword))
    }

    public var hasErrors: Bool { diagnostics.hasErrors }

    /// True once warnings are being dropped, so callers can skip work (such as suggestions) nobody will see.
    public var isSaturated: Bool { diagnostics.all.count >= limit }

    /// Counts a diagnostic that was not even built because the sink is saturated.
    public func drop() { dropped += 1 }

    /// Closes the list with a note on how many were dropped; the note itself is never dropped.
    func appendDroppedSummary(at location: SourceLocation) {
        guard dropped > 0 else { return }
        diagnostics.append(Diagnostic(.note, at: location, "\(dropped) further diagnostics were not shown"))
    }
}
