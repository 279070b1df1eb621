/// Bounds that keep a misbehaving client from hurting the daemon.
public struct HTTPServerLimits: Sendable, Hashable {
    /// A larger request body gets 413 and the connection is closed.
    public var maxRequestBodyBytes: Int
    /// The largest request head (all header names and values together); larger gets 400 and a close.
    public var maxHeaderBytes: Int
    /// A connection with no traffic for this long, and no request being handled, is closed.
    public var idleTimeout: Duration
    /// Connections of the TCP (metrics) listeners beyond this many are accepted and closed at once.
    public var maxConnections: Int
    /// The control socket's own budget: no TCP client can spend it, so root can always reload.
    public var maxControlConnections: Int
    /// From the first byte of a request, its head must be complete within this: a client that
    /// trickles a byte now and then (which keeps the idle timer quiet) is closed.
    public var requestHeadTimeout: Duration

    /// Creates limits; the defaults suit a metrics and control endpoint.
    public init(
        maxRequestBodyBytes: Int = 64 * 1024,
        maxHeaderBytes: Int = 16 * 1024,
        idleTimeout: Duration = .seconds(30),
        maxConnections: Int = 4096,
        maxControlConnections: Int = 64,
        requestHeadTimeout: Duration = .seconds(10)
    ) {
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.maxControlConnections = maxControlConnections
        self.requestHeadTimeout = requestHeadTimeout
    }

    /// The connection budget of a listener role.
    func connectionLimit(for role: ListenerRole) -> Int { role == .control ? maxControlConnections : maxConnections }
}
