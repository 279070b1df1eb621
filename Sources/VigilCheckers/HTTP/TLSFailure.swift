import NIOSSL
import VigilCheck

/// TLS errors, which all fail a check with reason `tls`.
enum TLSFailure {
    /// True for the peer closing TCP without close_notify: many servers do, and the HTTP decoder
    /// then sees the end of the body, so it is not a failure in itself.
    static func isUncleanShutdown(_ error: any Error) -> Bool {
        if case .uncleanShutdown = error as? NIOSSLError { return true }
        return false
    }

    static func classify(_ error: any Error) -> CheckFailure? {
        switch error {
        case let error as NIOSSLError: CheckFailure(.tls, "TLS: \(error)")
        case let error as NIOSSLExtraError: CheckFailure(.tls, "TLS: \(error)")
        case let error as BoringSSLError: CheckFailure(.tls, "TLS: \(error)")
        default: nil
        }
    }
}
