import NIOCore
import NIOSSL
import VigilCheck

/// The TLS client context of an SSL_GET probe.
enum ProbeTLSContext {
    /// How long a close waits for the server's close_notify before dropping the connection.
    static let shutdownTimeout = TimeAmount.seconds(1)

    /// Certificate verification is off on purpose, as in keepalived: real servers are addressed by IP,
    /// usually carry certificates for the service name (or self-signed ones), and the check asks
    /// whether the service answers, not whether it can be trusted.
    static func make() -> Result<NIOSSLContext, CheckFailure> {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = .none
        configuration.shutdownTimeout = shutdownTimeout
        do {
            return .success(try NIOSSLContext(configuration: configuration))
        } catch {
            return .failure(CheckFailure(.tls, "TLS context: \(error)"))
        }
    }
}
