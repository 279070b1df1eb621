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
}
