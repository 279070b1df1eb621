import NIOCore
import NIOHTTP1
import NIOSSL
import VigilCheck
import VigilConfig

/// HTTP_GET and SSL_GET: GET every `url { }` in order on a new connection each; all must pass.
/// Each URL's exchange (connect, TLS handshake, request, whole reply) is bounded by connect_timeout,
/// so a run takes at most urls × connect_timeout.
///
/// SSL_GET does not verify the server's certificate, as keepalived does not: see `ProbeTLSContext`.
/// The body is digested as decoded (chunked transfer coding removed), and one over
/// `maximumBodyBytes` fails the check with `bad_reply`.
public struct HTTPProbe: HealthProbe {
    /// A body longer than this fails the check rather than fill memory.
    public static let defaultMaximumBodyBytes = 1 << 20

    public let endpoint: ProbeEndpoint
    public let check: HTTPCheck
    public let tls: Bool
    public let maximumBodyBytes: Int
    private let group: any EventLoopGroup
    /// Built once per probe: a context loads the TLS library's state, a handler per connection is cheap.
    private let tlsContext: Result<NIOSSLContext, CheckFailure>?

    public init(
        endpoint: ProbeEndpoint, check: HTTPCheck, tls: Bool, group: any EventLoopGroup,
        maximumBodyBytes: Int = HTTPProbe.defaultMaximumBodyBytes
    ) {
        self.endpoint = endpoint
        self.check = check
        self.tls = tls
        self.group = group
        self.maximumBodyBytes = maximumBodyBytes
        tlsContext = tls ? ProbeTLSContext.make() : nil
    }

    public func run() async -> CheckOutcome {
        guard !check.urls.isEmpty else { return .failure(CheckFailure(.error, "no url to check")) }
        for url in check.urls {
            if let failure = await fetch(url) {
                return .failure(CheckFailure(failure.reason, "GET \(url.path.value): \(failure.detail)"))
            }
        }
        return .success
    }

    /// Fetches one URL and judges the reply; nil when it passes.
    private func fetch(_ url: HTTPCheckURL) async -> CheckFailure? {
        let host = HTTPRequestBuilder.hostHeader(url: url, check: check, endpoint: endpoint, tls: tls)
        let path = url.path.value
        guard !HTTPRequestBuilder.hasControlCharacters(path), !HTTPRequestBuilder.hasControlCharacters(host) else {
            return CheckFailure(.error, "control characters in the path or host")
        }
        let request = HTTPRequestBuilder.head(path: path, host: host, version: check.httpProtocol.value)
        let serverName = HTTPRequestBuilder.serverName(url: url, check: check)
        let context: NIOSSLContext?
        switch tlsContext {
        case .none: context = nil
        case .success(let made): context = made
        case .failure(let failure): return failure
        }
        let bodyLimit = maximumBodyBytes
        let keepsBody = url.regex != nil
        let result = await ProbeConnection.run(endpoint: endpoint, group: group, completion: .byHandlers) {
            (channel, exchange: NIOLoopBoundBox<ProbeExchange<HTTPReply>>) in
            let pipeline = channel.pipeline.syncOperations
            if let context {
                try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverName))
            }
            try pipeline.addHTTPClientHandlers()
            try pipeline.addHandler(
                HTTPExchangeHandler(request: request, exchange: exchange, bodyLimit: bodyLimit, keepsBody: keepsBody))
        }
        switch result {
        case .failure(let failure): return failure
        case .success(let reply): return HTTPReplyVerdict.judge(reply, against: url)
        }
    }
}
