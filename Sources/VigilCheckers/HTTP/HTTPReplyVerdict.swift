import VigilCheck
import VigilConfig

/// Judges a reply against one `url { }`: status code first, then digest, then regex, as keepalived does.
enum HTTPReplyVerdict {
    static func judge(_ reply: HTTPReply, against url: HTTPCheckURL) -> CheckFailure? {
        guard url.accepts(statusCode: reply.status) else {
            let expected = url.statusCode.value.map(\.description).joined(separator: " ")
            return CheckFailure(.status, "HTTP status \(reply.status), expected \(expected)")
        }
        if let expected = url.digest?.value, expected.lowercased() != reply.digest {
            return CheckFailure(.digest, "body digest \(reply.digest), expected \(expected.lowercased())")
        }
        if url.regex != nil {
            return HTTPBodyRegex.evaluate(url, body: reply.body ?? [])
        }
        return nil
    }
}
