/// One complete SMTP reply: a three-digit code and its text lines (several for `250-...` continuations).
struct SMTPReply: Sendable, Equatable {
    let code: Int
    /// The text after the code and separator of each line, in order.
    let lines: [String]

    init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx: the command was accepted.
    var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 3xx: the server waits for more (354 after DATA, 334 during AUTH).
    var isPositiveIntermediate: Bool { (300..<400).contains(code) }
    /// 5xx: retrying the same thing will fail again.
    var isPermanentFailure: Bool { (500..<600).contains(code) }

    /// The reply as one log-friendly line, e.g. "250 2.0.0 Ok: queued"; continuation lines are joined with " / ".
    var summary: String {
        let text = lines.filter { !$0.isEmpty }.joined(separator: " / ")
        return text.isEmpty ? String(code) : "\(code) \(text)"
    }
}
