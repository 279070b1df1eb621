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

    /// A compact, location-free text of any part of the configuration, so a reload can tell an
    /// unchanged block from a changed one (moving it to another line changes nothing). Nil when it
    /// cannot be encoded, which a caller treats as changed.
    public static func fingerprint(_ value: some Encodable) -> String? {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(value) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
