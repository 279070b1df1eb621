import FoundationEssentials

/// The control socket's answer to POST /reload.
public struct ReloadReply: Codable, Sendable, Equatable {
    public let result: String
    public let diagnostics: [String]

    public init(result: String, diagnostics: [String]) {
        self.result = result
        self.diagnostics = diagnostics
    }
}

/// One JSON style for every document vigild serves: snake_case keys, sorted, readable.
public enum StatusJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Encodes `value` with a trailing newline, ready to serve.
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        Array(try encoder().encode(value)) + [UInt8(ascii: "\n")]
    }

    /// Decodes a document vigild served.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        try decoder().decode(type, from: Data(bytes))
    }
}
