import NIOSSL

/// A TLS error from NIOSSL, reworded for an operator: what went wrong and which setting changes it.
struct SMTPTLSFailure: Equatable {
    let detail: String
    let isPermanent: Bool

    /// The advice shown whenever a certificate is refused.
    static let certificateAdvice =
        "trust its issuer with vigil_smtp_ca_file, or (only for a test server) set vigil_smtp_verify_certificate no"

    /// nil when `error` did not come from TLS.
    static func classify(_ error: any Error) -> SMTPTLSFailure? {
        if case .pipeline(let inner)? = error as? SMTPChannelFailure { return classify(inner) }
        if let extra = error as? NIOSSLExtraError {
            if extra == .failedToValidateHostname {
                return SMTPTLSFailure(
                    detail: "the server's certificate was not trusted: it does not name the host (\(extra)); \(certificateAdvice)",
                    isPermanent: true)
            }
            return SMTPTLSFailure(detail: "TLS failed: \(extra)", isPermanent: true)
        }
        if let sslError = error as? NIOSSLError {
            switch sslError {
            case .handshakeFailed(let boring):
                let reason = describe(boring)
                if reason.contains("CERTIFICATE_VERIFY_FAILED") {
                    return SMTPTLSFailure(
                        detail: "the server's certificate was not trusted (\(reason)); \(certificateAdvice)",
                        isPermanent: true)
                }
                return SMTPTLSFailure(detail: "TLS handshake failed: \(reason)", isPermanent: true)
            case .uncleanShutdown:
                return SMTPTLSFailure(detail: "the server closed the TLS connection uncleanly", isPermanent: false)
            case .noSuchFilesystemObject, .failedToLoadCertificate:
                return SMTPTLSFailure(detail: "vigil_smtp_ca_file could not be loaded (\(sslError))", isPermanent: true)
            default:
                return SMTPTLSFailure(detail: "TLS failed: \(sslError)", isPermanent: false)
            }
        }
        if let boring = error as? BoringSSLError {
            return SMTPTLSFailure(detail: "TLS failed: \(describe(boring))", isPermanent: true)
        }
        return nil
    }

    private static func describe(_ error: BoringSSLError) -> String {
        switch error {
        case .sslError(let stack), .unknownError(let stack), .invalidSNIName(let stack), .failedToSetALPN(let stack):
            let reasons = stack.map { "\($0)" }
            return reasons.isEmpty ? "\(error)" : reasons.joined(separator: "; ")
        default:
            return "\(error)"
        }
    }
}
