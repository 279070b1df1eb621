import Glibc
import VigilCheck

/// A socket call that failed while a datagram probe was being set up.
struct DatagramSocketError: Error {
    /// What was being done ("socket", "bind 192.0.2.1", "bind_if eth9").
    let step: String
    /// The errno it failed with; 0 when the failure was not a system call's.
    let code: CInt

    /// The socket itself was refused (no ping socket for our group, no raw socket without
    /// CAP_NET_RAW): another kind of socket may still do.
    var isNotPermittedToOpen: Bool { step == "socket" && [EACCES, EPERM, EPROTONOSUPPORT].contains(code) }

    /// As a check failure: a missing permission or interface is the prober's problem (`error`);
    /// a connect that finds no route says the server is unreachable.
    var failure: CheckFailure {
        guard code != 0 else { return CheckFailure(.error, step) }
        if step.hasPrefix("connect") {
            let classified = DatagramFailure.classify(errno: code)
            return CheckFailure(classified.reason, "\(step): \(classified.detail)")
        }
        return CheckFailure(.error, "\(step): \(String(cString: strerror(code)))")
    }
}

/// Socket errors of datagram probes sorted into check failure reasons.
enum DatagramFailure {
    static func classify(errno code: CInt) -> CheckFailure {
        let text = String(cString: strerror(code)).lowercased()
        switch code {
        case ECONNREFUSED: return CheckFailure(.refused, "\(text) (ICMP port unreachable)")
        case EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN, ENONET: return CheckFailure(.unreachable, text)
        default: return CheckFailure(.error, text)
        }
    }
}
