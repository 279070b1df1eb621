/// Who sends alerts and to whom: the parts of every message that come from global_defs.
public struct AlertSender: Sendable, Equatable {
    /// `router_id`, or the host name when it is absent.
    public let routerId: String
    /// This machine's host name, named in every body and used in Message-ID.
    public let hostName: String
    /// `notification_email_from`, a bare address.
    public let from: String
    /// `notification_email`, bare addresses, all in To.
    public let recipients: [String]
    /// Vigil's version, for X-Mailer.
    public let version: String

    public init(routerId: String, hostName: String, from: String, recipients: [String], version: String) {
        self.routerId = routerId
        self.hostName = hostName
        self.from = from
        self.recipients = recipients
        self.version = version
    }
}

/// A composed alert: the full RFC 5322 text and the parts logs and tests look at.
public struct AlertMessage: Sendable, Equatable {
    public let subject: String
    /// With angle brackets, as in the header.
    public let messageId: String
    /// How many events it reports (1, or more for a digest).
    public let eventCount: Int
    /// Headers, an empty line, the body; lines end with CRLF.
    public let text: String
}

/// Builds alert mails: keepalived-compatible subjects, a body that says what, when, where and why.
public enum AlertComposer {
    /// One message for `events` (all of one subject, oldest first); more than one makes a digest.
    ///
    /// `date` is when the message is written (the Date header); `sequence` and `random` make the
    /// Message-ID unique: the sequence within this process, the random part across restarts and nodes.
    public static func compose(
        _ events: [AlertEvent], sender: AlertSender, date: Double, sequence: UInt64, random: UInt64
    ) -> AlertMessage? {
        guard let latest = events.last else { return nil }
        var subject = "[\(sender.routerId)] \(latest.subject.title) - \(latest.change)"
        if events.count > 1 { subject += " (digest of \(events.count) changes)" }
        let host = messageIdHost(sender.hostName)
        let messageId = "<\(hex(sequence)).\(hex(random)).\(Int(max(0, date)))@\(host)>"
        let headers = [
            "From: \(HeaderText.singleLine(sender.from))",
            "To: \(sender.recipients.map(HeaderText.singleLine).joined(separator: ",\r\n "))",
            "Subject: \(HeaderText.encoded(subject))",
            "Date: \(MailDateFormat.rfc5322(date))",
            "Message-ID: \(messageId)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "X-Mailer: Vigil \(HeaderText.singleLine(sender.version))",
        ]
        let body = events.count == 1 ? single(latest, sender: sender) : digest(events, sender: sender)
        // Every body line is made single-line too: names from the configuration must not break the layout.
        let text = headers.joined(separator: "\r\n") + "\r\n\r\n" + body.map(HeaderText.singleLine).joined(separator: "\r\n") + "\r\n"
        return AlertMessage(subject: subject, messageId: messageId, eventCount: events.count, text: text)
    }

    private static func single(_ event: AlertEvent, sender: AlertSender) -> [String] {
        var lines = ["\(event.subject.title): \(event.change).", ""]
        lines.append(field("When", MailDateFormat.rfc3339(event.at)))
        lines += common(event, sender: sender)
        return lines + signature(sender)
    }

    private static func digest(_ events: [AlertEvent], sender: AlertSender) -> [String] {
        guard let first = events.first, let latest = events.last else { return [] }
        var lines = [
            "\(latest.subject.title) changed \(events.count) times between \(MailDateFormat.rfc3339(first.at)) and "
                + "\(MailDateFormat.rfc3339(latest.at)); now: \(latest.change).",
            "These changes were held and sent together so that a flapping \(kindName(latest.subject)) sends one mail, not one per change.",
            "",
        ]
        for event in events {
            let from = event.previous.map { "from \($0), " } ?? ""
            lines.append("  \(MailDateFormat.rfc3339(event.at))  \(event.change) (\(from)reason: \(HeaderText.singleLine(event.reason)))")
        }
        lines.append("")
        lines.append("Latest change:")
        lines.append(field("When", MailDateFormat.rfc3339(latest.at)))
        lines += common(latest, sender: sender)
        return lines + signature(sender)
    }

    private static func common(_ event: AlertEvent, sender: AlertSender) -> [String] {
        var lines = [field("Node", "\(sender.routerId) (host \(sender.hostName))")]
        if let previous = event.previous { lines.append(field("Previous", previous)) }
        lines.append(field("Reason", event.reason))
        for fact in event.facts { lines.append(field(fact.name, fact.value)) }
        return lines
    }

    private static func signature(_ sender: AlertSender) -> [String] {
        ["", "-- ", "Sent by Vigil \(sender.version) on \(sender.hostName)."]
    }

    private static func field(_ name: String, _ value: String) -> String {
        let label = name + ":"
        return label + String(repeating: " ", count: max(1, 10 - label.count)) + HeaderText.singleLine(value)
    }

    private static func kindName(_ subject: AlertSubject) -> String {
        switch subject {
        case .vrrpInstance: "VRRP instance"
        case .vrrpGroup: "VRRP sync group"
        case .realServer: "real server"
        }
    }

    /// The right side of Message-ID must be a dot-atom: keep letters, digits, '-' and '.'.
    static func messageIdHost(_ hostName: String) -> String {
        let kept = hostName.unicodeScalars.filter { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == ".")
        }
        let host = String(String.UnicodeScalarView(kept)).split(separator: ".").joined(separator: ".")
        return host.isEmpty ? "localhost" : host
    }

    private static func hex(_ value: UInt64) -> String { String(value, radix: 16) }
}
