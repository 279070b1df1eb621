#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The normalized configuration as JSON: snake_case keys in sorted order, so dumps compare as text.
public enum ConfigDump {
    /// Pretty-printed JSON of the whole configuration.
    public static func json(_ configuration: Configuration) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(configuration)
        return String(decoding: data, as: UTF8.self)
    }
}
