/// Bounds that keep a misbehaving client from hurting the daemon.
public struct HTTPServerLimits: Sendable, Hashable {
    /// A larger request body gets 413 and the connection is closed.
    public var maxRequestBodyBytes: Int
    /// The largest request head (all header names and values together); larger gets 400 and a close.
    public var maxHeaderBytes: Int
    /// A connection with no traffic for this long, and no request being handled, is closed.
    public var idleTimeout: Duration
    /// Connections beyond this many are accepted and closed at once.
    public var maxConnections: Int

    /// Creates limits; the defaults suit a metrics and control endpoint.
    public init(
        maxRequestBodyBytes: Int = 64 * 1024,
        maxHeaderBytes: Int = 16 * 1024,
        idleTimeout: Duration = .seconds(30),
        maxConnections: Int = 4096
    ) {
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
    }
}
