/// How bad a diagnostic is: errors make a configuration unusable, warnings do not.
public enum Severity: String, Sendable, Hashable, Comparable, CaseIterable, Encodable {
    case note
    case warning
    case error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// One finding about a configuration: where, how bad, what was found and what was expected.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    public let severity: Severity
    public let location: SourceLocation
    /// What was found, e.g. "priority 300 is out of range".
    public let message: String
    /// What would have been accepted, e.g. "an integer from 1 to 255".
    public let expected: String?
    /// A suggestion, e.g. "did you mean 'priority'?".
    public let hint: String?
    /// The keyword the diagnostic is about, when there is one (used to match documentation tables).
    public let keyword: String?

    public init(
        _ severity: Severity,
        at location: SourceLocation,
        _ message: String,
        expected: String? = nil,
        hint: String? = nil,
        keyword: String? = nil
    ) {
        self.severity = severity
        self.location = location
        self.message = message
        self.expected = expected
        self.hint = hint
        self.keyword = keyword
    }

    /// One line in the compiler style: `file:line:col: error: message; expected ...`.
    public var description: String {
        var text = "\(location): \(severity.rawValue): \(message)"
        if let expected { text += "; expected \(expected)" }
        if let hint { text += " (\(hint))" }
        return text
    }
}

/// An ordered collection of diagnostics with severity counts.
public struct Diagnostics: Sendable, Hashable {
    public private(set) var all: [Diagnostic] = []

    public init() {}

    public mutating func append(_ diagnostic: Diagnostic) { all.append(diagnostic) }

    public mutating func error(
        _ message: String, at location: SourceLocation, expected: String? = nil, hint: String? = nil,
        keyword: String? = nil
    ) {
        all.append(Diagnostic(.error, at: location, message, expected: expected, hint: hint, keyword: keyword))
    }

    public mutating func warning(
        _ message: String, at location: SourceLocation, expected: String? = nil, hint: String? = nil,
        keyword: String? = nil
    ) {
        all.append(Diagnostic(.warning, at: location, message, expected: expected, hint: hint, keyword: keyword))
    }

    public mutating func note(_ message: String, at location: SourceLocation, keyword: String? = nil) {
        all.append(Diagnostic(.note, at: location, message, keyword: keyword))
    }

    public mutating func append(contentsOf other: Diagnostics) { all.append(contentsOf: other.all) }

    public var errors: [Diagnostic] { all.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { all.filter { $0.severity == .warning } }
    public var hasErrors: Bool { all.contains { $0.severity == .error } }
    public var isEmpty: Bool { all.isEmpty }

    public func count(of severity: Severity) -> Int { all.lazy.filter { $0.severity == severity }.count }

    /// Sorted by file, line and column, keeping the order of findings at the same place.
    public var sorted: [Diagnostic] {
        all.enumerated().sorted { ($0.element.location, $0.offset) < ($1.element.location, $1.offset) }.map(\.element)
    }
}
