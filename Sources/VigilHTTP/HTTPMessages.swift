/// One parsed request, whole (body included), handed to the handler.
public struct HTTPRequest: Sendable {
    /// As sent, uppercase (GET, HEAD, POST, ...).
    public var method: String
    /// The request target without the query string.
    public var path: String
    /// Percent-decoded query parameters; the last value wins.
    public var query: [String: String]
    /// Header fields in the order they were sent.
    public var headers: [(name: String, value: String)]
    /// The whole request body.
    public var body: [UInt8]
    /// The listener the request arrived on.
    public var role: ListenerRole
    /// SO_PEERCRED uid on unix sockets, nil on TCP.
    public var peerUID: UInt32?

    /// Creates a request; the server builds these, tests and routers may too.
    public init(
        method: String,
        path: String,
        query: [String: String] = [:],
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = [],
        role: ListenerRole,
        peerUID: UInt32? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.role = role
        self.peerUID = peerUID
    }

    /// The first value of the header `name`, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }
}

/// A complete response; the server adds Content-Length, Date, and strips the body for HEAD.
public struct HTTPResponse: Sendable {
    /// The status code, e.g. 200.
    public var status: Int
    /// Header fields to send; framing headers (Content-Length, Transfer-Encoding, Connection, Date) are the server's.
    public var headers: [(name: String, value: String)]
    /// The whole body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A text/plain; charset=utf-8 response.
    public static func text(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(
            status: status,
            headers: [(name: "Content-Type", value: "text/plain; charset=utf-8")],
            body: Array(text.utf8)
        )
    }

    /// An application/json response.
    public static func json(_ status: Int, _ bytes: [UInt8]) -> HTTPResponse {
        HTTPResponse(status: status, headers: [(name: "Content-Type", value: "application/json")], body: bytes)
    }
}

/// The application side: routes a request to a response. Called off the event loop.
public protocol HTTPRequestHandler: Sendable {
    /// Produces the response for one request.
    func handle(_ request: HTTPRequest) async -> HTTPResponse
}
