import Glibc
import NIOCore
import VigilCheck

/// Socket-level errors sorted into the few reasons a check can fail for.
enum ConnectionFailure {
    static func classify(_ error: any Error) -> CheckFailure {
        if let failure = error as? CheckFailure { return failure }
        if let ioError = error as? IOError { return classify(errno: ioError.errnoCode) }
        if let channelError = error as? ChannelError {
            switch channelError {
            case .connectTimeout(let amount):
                return CheckFailure(.timeout, "connect did not complete within \(Duration.nanoseconds(amount.nanoseconds))")
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed:
                return CheckFailure(.reset, "connection closed early")
            default: return CheckFailure(.error, "\(channelError)")
            }
        }
        return CheckFailure(.error, "\(error)")
    }

    static func classify(errno code: CInt) -> CheckFailure {
        let text = String(cString: strerror(code)).lowercased()
        switch code {
        case ECONNREFUSED: return CheckFailure(.refused, text)
        case ECONNRESET, EPIPE, ECONNABORTED: return CheckFailure(.reset, text)
        case ETIMEDOUT: return CheckFailure(.timeout, text)
        case EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN: return CheckFailure(.unreachable, text)
        default: return CheckFailure(.error, text)
        }
    }
}
