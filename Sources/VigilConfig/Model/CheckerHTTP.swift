import VigilCore

/// HTTP_GET and SSL_GET: fetch each URL and compare the status code, digest or regex.
public struct HTTPCheck: Sendable, CheckerBody {
    public let location: SourceLocation
    public let connection: CheckerConnection
    public let timing: CheckerTiming
    public let httpProtocol: Located<HTTPProtocolVersion>
    /// Check every URL at once when coming up instead of one per delay_loop.
    public let fastRecovery: Located<Bool>
    /// Send the virtual host as TLS Server Name Indication (SSL_GET).
    public let enableSni: Located<Bool>
    /// Close TLS connections with a proper close_notify (a later keepalived keyword).
    public let tlsCompliant: Located<Bool>
    /// The Host header for URLs that set none; inherited from the real and virtual server.
    public let virtualhost: Located<String>?
    public let urls: [HTTPCheckURL]

    private enum CodingKeys: String, CodingKey {
        case httpProtocol, fastRecovery, enableSni, tlsCompliant, virtualhost, urls
    }

    public func encode(to encoder: any Encoder) throws {
        try connection.encode(to: encoder)
        try timing.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(httpProtocol, forKey: .httpProtocol)
        try container.encode(fastRecovery, forKey: .fastRecovery)
        try container.encode(enableSni, forKey: .enableSni)
        try container.encode(tlsCompliant, forKey: .tlsCompliant)
        try container.encodeIfPresent(virtualhost, forKey: .virtualhost)
        try container.encode(urls, forKey: .urls)
    }
}

/// The HTTP version a checker speaks; 1.0C is 1.0 with `Connection: close`.
public enum HTTPProtocolVersion: String, Sendable, Hashable, CaseIterable, Encodable {
    case http10 = "1.0"
    case http10Close = "1.0C"
    case http11 = "1.1"
}

/// One `url { }` of an HTTP checker: what to fetch and what counts as healthy.
public struct HTTPCheckURL: Sendable, Hashable, Encodable {
    public let location: SourceLocation
    public let path: Located<String>
    /// MD5 of the body, 32 lower-case hex digits.
    public let digest: Located<String>?
    /// Accepted status codes; 200-299 when none are written.
    public let statusCode: Located<[HTTPStatusCodeRange]>
    /// The Host header; the checker's when not written here.
    public let virtualhost: Located<String>?
    public let regex: Located<String>?
    /// Fail when the regex matches instead of when it does not.
    public let regexNoMatch: Located<Bool>
    public let regexOptions: [Located<HTTPRegexOption>]
    public let regexMinOffset: Located<Int>?
    public let regexMaxOffset: Located<Int>?

    private enum CodingKeys: String, CodingKey {
        case path, digest, statusCode, virtualhost, regex, regexNoMatch, regexOptions, regexMinOffset, regexMaxOffset
    }

    /// True when `code` is one of the accepted status codes.
    public func accepts(statusCode code: Int) -> Bool {
        statusCode.value.contains { $0.contains(code) }
    }
}

/// A status code or an inclusive range of them; encodes as "200" or "200-299".
public struct HTTPStatusCodeRange: Sendable, Hashable, Encodable, CustomStringConvertible {
    public let lowerBound: Int
    public let upperBound: Int

    public init(_ lowerBound: Int, _ upperBound: Int) {
        self.lowerBound = lowerBound
        self.upperBound = upperBound
    }

    public func contains(_ code: Int) -> Bool { code >= lowerBound && code <= upperBound }

    public var description: String { lowerBound == upperBound ? "\(lowerBound)" : "\(lowerBound)-\(upperBound)" }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A PCRE2 option keepalived accepts in `regex_options`.
public enum HTTPRegexOption: String, Sendable, Hashable, CaseIterable, Encodable {
    case allowEmptyClass = "allow_empty_class"
    case altBsux = "alt_bsux"
    case autoCallout = "auto_callout"
    case caseless
    case dollarEndonly = "dollar_endonly"
    case dotall
    case dupnames
    case extended
    case firstline
    case matchUnsetBackref = "match_unset_backref"
    case multiline
    case neverUcp = "never_ucp"
    case neverUtf = "never_utf"
    case noAutoCapture = "no_auto_capture"
    case noAutoPossess = "no_auto_possess"
    case noDotstarAnchor = "no_dotstar_anchor"
    case noStartOptimize = "no_start_optimize"
    case ucp
    case ungreedy
    case utf
    case neverBackslashC = "never_backslash_c"
    case altCircumflex = "alt_circumflex"
    case altVerbnames = "alt_verbnames"
    case useOffsetLimit = "use_offset_limit"
}
