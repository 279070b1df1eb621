import Testing
import VigilCheck
import VigilConfig
import VigilCore

/// Helpers shared by the check suites: instants in seconds and configurations that must load cleanly.
enum CheckTestSupport {
    /// The instant `seconds` after the manual clock's origin.
    static func at(_ seconds: Double) -> CheckInstant { CheckInstant(microseconds: Seconds(seconds).microseconds) }

    /// Loads a configuration and records an issue for any error.
    static func load(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Configuration {
        let result = ConfigLoader.load(text: text)
        let errors = result.diagnostics.all.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors)", sourceLocation: sourceLocation)
        return result.configuration
    }

    /// Parses a literal address; a typo records an issue instead of trapping.
    static func ip(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> IPAddress {
        guard let address = IPAddress(text) else {
            Issue.record("'\(text)' is not an address", sourceLocation: sourceLocation)
            return .v4(IPv4Address(rawValue: 0))
        }
        return address
    }

    static let failure = CheckOutcome.failure(CheckFailure(.refused, "connection refused"))
}
