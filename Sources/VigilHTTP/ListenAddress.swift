import Glibc

/// Where a listener binds.
public enum ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// A TCP listener; `host` is a numeric IPv4 or IPv6 literal, `port` 0 picks a free port.
    case tcp(host: String, port: Int)
    /// A unix stream socket at an absolute path.
    case unixSocket(path: String)

    /// Parses "127.0.0.1:7390", "[::1]:7390", "unix:/run/vigil/vigild.sock" (also a bare absolute path "/x.sock").
    public static func parse(_ text: String) -> Result<ListenAddress, ListenAddressError> {
        func failure(_ problem: String) -> Result<ListenAddress, ListenAddressError> {
            .failure(ListenAddressError(input: text, problem: problem))
        }
        if text.hasPrefix("unix:") || text.hasPrefix("/") {
            let path = text.hasPrefix("unix:") ? String(text.dropFirst("unix:".count)) : text
            guard path.hasPrefix("/") else { return failure("a unix socket path must be absolute") }
            guard !path.hasSuffix("/") else { return failure("a unix socket path must name a file, not a directory") }
            // sun_path holds 108 bytes including the terminating NUL.
            guard path.utf8.count <= 107 else { return failure("a unix socket path is at most 107 bytes long") }
            return .success(.unixSocket(path: path))
        }
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return failure("\"[\" opens an IPv6 address but no \"]\" closes it")
            }
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return failure("no \":PORT\" after \"]\"") }
            portText = rest.dropFirst()
            guard NumericAddress.isIPv6(host) else {
                return failure("\"\(host)\" is not a numeric IPv6 address")
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return failure("no port") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.isEmpty else { return failure("no address before \":\"") }
            if host.contains(":") {
                return failure("an IPv6 address needs brackets, as in [::1]:7390")
            }
            guard NumericAddress.isIPv4(host) else {
                return failure("\"\(host)\" is not a numeric IPv4 address (host names are not resolved)")
            }
        }
        guard let port = parsePort(portText) else {
            return failure("port \"\(portText)\" is not a number from 0 to 65535")
        }
        return .success(.tcp(host: String(host), port: port))
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

    private static func parsePort(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let port = Int(text), port <= 65535
        else { return nil }
        return port
    }
}

/// Why a listen address could not be parsed: what was found and what is expected.
public struct ListenAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The text as given.
    public let input: String
    /// What is wrong with it.
    public let problem: String

    /// Creates an error for `input` with the `problem` found.
    public init(input: String, problem: String) {
        self.input = input
        self.problem = problem
    }

    public var description: String {
        "invalid listen address \"\(input)\": \(problem); expected ADDRESS:PORT "
            + "(127.0.0.1:7390, [::1]:7390) or unix:/PATH"
    }
}

/// What a listener is for: the metrics listener never accepts state changes.
public enum ListenerRole: String, Sendable, Hashable {
    case metrics
    case control
}

/// Numeric address checks through inet_pton, so what parses here is exactly what bind accepts.
enum NumericAddress {
    static func isIPv4(_ text: Substring) -> Bool {
        var storage = in_addr()
        return String(text).withCString { inet_pton(AF_INET, $0, &storage) } == 1
    }

    static func isIPv6(_ text: Substring) -> Bool {
        var storage = in6_addr()
        return String(text).withCString { inet_pton(AF_INET6, $0, &storage) } == 1
    }
}
