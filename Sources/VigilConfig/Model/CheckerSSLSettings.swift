import VigilCore

/// The top-level `SSL { }` block: the TLS client context SSL_GET checkers use.
public struct CheckerSSLSettings: Sendable, Hashable, Encodable {
    public let location: SourceLocation
    /// Password of the private key.
    public let password: Located<String>?
    /// CA bundle to verify real servers against.
    public let ca: Located<String>?
    public let certificate: Located<String>?
    public let key: Located<String>?

    private enum CodingKeys: String, CodingKey {
        case password, ca, certificate, key
    }
}
