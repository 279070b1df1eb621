import Glibc

/// Where vigild can be reached.
public enum ControlEndpoint: Sendable, Hashable, CustomStringConvertible {
    /// A TCP listener; `host` is a numeric IPv4 or IPv6 literal.
    case tcp(host: String, port: Int)
    /// The control socket.
    case unixSocket(path: String)

    /// Parses "http://127.0.0.1:7390", "http://[::1]:7390", "127.0.0.1:7390", "unix:/path", "/path".
    /// "localhost" stands for 127.0.0.1; other host names are refused so a lookup can never hang.
    public static func parse(_ text: String) -> ControlEndpoint? {
        if text.hasPrefix("unix:") {
            let path = String(text.dropFirst("unix:".count))
            return path.hasPrefix("/") && path.count > 1 ? .unixSocket(path: path) : nil
        }
        if text.hasPrefix("/") {
            return text.count > 1 ? .unixSocket(path: text) : nil
        }
        var rest = Substring(text)
        if rest.hasPrefix("http://") {
            rest = rest.dropFirst("http://".count)
            if rest.hasSuffix("/") { rest = rest.dropLast() }
        }
        let host: Substring
        let portText: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            let tail = rest[rest.index(after: close)...]
            guard tail.hasPrefix(":"), isNumeric(host, family: AF_INET6) else { return nil }
            portText = tail.dropFirst()
        } else {
            guard let colon = rest.firstIndex(of: ":") else { return nil }
            host = rest[..<colon]
            portText = rest[rest.index(after: colon)...]
            guard host == "localhost" || isNumeric(host, family: AF_INET) else { return nil }
        }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(portText), (1...65535).contains(port)
        else { return nil }
        return .tcp(host: host == "localhost" ? "127.0.0.1" : String(host), port: port)
    }

    /// "127.0.0.1:7390", "[::1]:7390" or "unix:/path".
    public var description: String {
        switch self {
        case .tcp(let host, let port):
            return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .unixSocket(let path):
            return "unix:\(path)"
        }
    }

    /// The Host header value for a request to this endpoint.
    var hostHeader: String {
        switch self {
        case .tcp: return description
        case .unixSocket: return "localhost"
        }
    }

    private static func isNumeric(_ text: Substring, family: Int32) -> Bool {
        var storage = in6_addr()  // large enough for either family
        return String(text).withCString { inet_pton(family, $0, &storage) } == 1
    }
}
