/// A response read whole.
public struct ControlResponse: Sendable {
    /// The status code, e.g. 200.
    public let status: Int
    /// Header fields in the order received.
    public let headers: [(name: String, value: String)]
    /// The body with transfer framing removed (content encodings are left as sent).
    public let body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    /// The body as UTF-8 text.
    public var text: String {
        String(decoding: body, as: UTF8.self)
    }
}
