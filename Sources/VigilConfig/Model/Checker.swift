import VigilCore

/// The keyword that opens a checker block.
public enum CheckerType: String, Sendable, Hashable, CaseIterable, Encodable {
    case tcp = "TCP_CHECK"
    case http = "HTTP_GET"
    case ssl = "SSL_GET"
    case smtp = "SMTP_CHECK"
    case dns = "DNS_CHECK"
    case misc = "MISC_CHECK"
    case udp = "UDP_CHECK"
    case ping = "PING_CHECK"
    case file = "FILE_CHECK"
}

/// One health checker of a real server; encodes as its fields plus `"type": "TCP_CHECK"` and so on.
public enum Checker: Sendable, Encodable {
    case tcp(TCPCheck)
    /// HTTP_GET.
    case http(HTTPCheck)
    /// SSL_GET: the same checks over TLS.
    case ssl(HTTPCheck)
    case smtp(SMTPCheck)
    case dns(DNSCheck)
    case misc(MiscCheck)
    case udp(UDPCheck)
    case ping(PingCheck)
    case file(FileCheck)

    public var type: CheckerType {
        switch self {
        case .tcp: .tcp
        case .http: .http
        case .ssl: .ssl
        case .smtp: .smtp
        case .dns: .dns
        case .misc: .misc
        case .udp: .udp
        case .ping: .ping
        case .file: .file
        }
    }

    /// Where the checker's block starts.
    public var location: SourceLocation { body.location }

    /// The connection settings; nil for MISC_CHECK and FILE_CHECK, which open no connection.
    public var connection: CheckerConnection? {
        switch self {
        case .tcp(let check): check.connection
        case .http(let check), .ssl(let check): check.connection
        case .smtp(let check): check.connection
        case .dns(let check): check.connection
        case .udp(let check): check.connection
        case .ping(let check): check.connection
        case .misc, .file: nil
        }
    }

    /// The timing settings; nil for FILE_CHECK, which reacts to file changes instead of polling.
    public var timing: CheckerTiming? {
        switch self {
        case .tcp(let check): check.timing
        case .http(let check), .ssl(let check): check.timing
        case .smtp(let check): check.timing
        case .dns(let check): check.timing
        case .misc(let check): check.timing
        case .udp(let check): check.timing
        case .ping(let check): check.timing
        case .file: nil
        }
    }

    private var body: any CheckerBody {
        switch self {
        case .tcp(let check): check
        case .http(let check), .ssl(let check): check
        case .smtp(let check): check
        case .dns(let check): check
        case .misc(let check): check
        case .udp(let check): check
        case .ping(let check): check
        case .file(let check): check
        }
    }

    private enum TypeKey: String, CodingKey {
        case type
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: TypeKey.self)
        try container.encode(type, forKey: .type)
        try body.encode(to: encoder)
    }
}

/// What every checker kind offers, so the enum can answer common questions without a switch per caller.
protocol CheckerBody: Encodable, Sendable {
    var location: SourceLocation { get }
}

/// TCP_CHECK: the real server is up while a TCP connection to it succeeds.
public struct TCPCheck: Sendable, CheckerBody {
    public let location: SourceLocation
    public let connection: CheckerConnection
    public let timing: CheckerTiming

    public func encode(to encoder: any Encoder) throws {
        try connection.encode(to: encoder)
        try timing.encode(to: encoder)
    }
}

/// PING_CHECK: the real server is up while it answers ICMP echo requests.
public struct PingCheck: Sendable, CheckerBody {
    public let location: SourceLocation
    public let connection: CheckerConnection
    public let timing: CheckerTiming

    public func encode(to encoder: any Encoder) throws {
        try connection.encode(to: encoder)
        try timing.encode(to: encoder)
    }
}
