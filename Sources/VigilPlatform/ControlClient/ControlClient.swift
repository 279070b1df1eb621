/// One HTTP/1.1 request per connection (Connection: close), with a deadline for the whole exchange.
public struct ControlClient: Sendable {
    /// Where requests go.
    public let endpoint: ControlEndpoint
    /// The budget for connect, send and receive together.
    public let timeout: Duration

    /// Creates a client; nothing is opened until a request is made.
    public init(endpoint: ControlEndpoint, timeout: Duration = .seconds(5)) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    /// Sends one request and reads the whole response. Blocks the calling thread for at most `timeout`.
    public func request(
        _ method: String,
        _ path: String,
        headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) throws(ControlClientError) -> ControlResponse {
        let deadline = ContinuousClock.now + timeout
        let socket = try ControlSocket.connect(to: endpoint, deadline: deadline, timeout: timeout)
        // A server may answer early (413) and stop reading: keep the send error and try to read the answer.
        var sendFailure: ControlClientError?
        do {
            try socket.sendAll(encode(method, path, headers: headers, body: body))
        } catch {
            if case .timedOut = error { throw error }
            sendFailure = error
        }
        var parser = ControlResponseParser(isHeadRequest: method.uppercased() == "HEAD")
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count: Int
            do {
                count = try socket.receive(into: &buffer)
            } catch {
                throw sendFailure ?? error
            }
            do throws(ControlResponseParser.Failure) {
                try parser.append(buffer[0..<count])
                if let response = try parser.response(peerClosed: count == 0) { return response }
            } catch {
                if let sendFailure { throw sendFailure }
                switch error {
                case .malformed(let reason): throw .malformedResponse(endpoint, reason: reason)
                }
            }
        }
    }

    private func encode(_ method: String, _ path: String, headers: [(name: String, value: String)], body: [UInt8]) -> [UInt8] {
        var head = "\(method) \(path) HTTP/1.1\r\nHost: \(endpoint.hostHeader)\r\n"
        let owned: Set<String> = ["host", "connection", "content-length", "transfer-encoding"]
        for field in headers where !owned.contains(field.name.lowercased()) {
            head += "\(field.name): \(field.value)\r\n"
        }
        head += "Connection: close\r\n"
        if !body.isEmpty || ["POST", "PUT", "PATCH"].contains(method.uppercased()) {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        return Array(head.utf8) + body
    }
}
