/// Labels naming the step of an SMTP session that failed.
public struct MailStageLabels: MetricLabels {
    public static let names = ["stage"]
    public var stage: String
    public var values: [String] { [stage] }
    public init(stage: String) { self.stage = stage }
}

/// Labels saying why alert mail was not sent on its own.
public struct MailSuppressedLabels: MetricLabels {
    public static let names = ["reason"]
    public var reason: String
    public var values: [String] { [reason] }
    public init(reason: String) { self.reason = reason }
}

/// Alert mail: what was sent, what failed, what was held back, and the queue.
public enum MailMetrics {
    /// Every `stage` label value, exported at 0 from the start.
    public static let stages = [
        "connect", "greeting", "ehlo", "starttls", "tls", "auth", "mail_from", "rcpt_to", "data", "message", "quit",
    ]
    /// Every `reason` label value of `suppressedTotal`.
    public static let suppressedReasons = ["coalesced", "queue_full", "gave_up"]

    public static let sentTotal = MetricDefinition<NoLabels>.counter(
        "vigil_mail_sent_total",
        help: "Alert mails the SMTP server accepted (a digest counts once).",
        example: "vigil_mail_sent_total 3")

    public static let failedTotal = MetricDefinition<MailStageLabels>.counter(
        "vigil_mail_failed_total",
        help: "Failed delivery attempts, by the SMTP step that failed (connect, starttls, tls, auth, rcpt_to, ...); a retried mail counts each attempt.",
        example: #"vigil_mail_failed_total{stage="auth"} 2"#)

    public static let suppressedTotal = MetricDefinition<MailSuppressedLabels>.counter(
        "vigil_mail_suppressed_total",
        help: "Alerts not mailed on their own: coalesced (held into a digest while the subject flaps), queue_full (oldest dropped), gave_up (retries exhausted or refused).",
        example: #"vigil_mail_suppressed_total{reason="coalesced"} 19"#)

    public static let queueLength = MetricDefinition<NoLabels>.gauge(
        "vigil_mail_queue_length",
        help: "Alert mails waiting for delivery or for their next retry.",
        example: "vigil_mail_queue_length 0")

    public static let lastSuccess = MetricDefinition<NoLabels>.gauge(
        "vigil_mail_last_success_timestamp_seconds",
        help: "When the SMTP server last accepted an alert mail, in seconds since the Unix epoch; 0 before the first.",
        unit: .seconds,
        example: "vigil_mail_last_success_timestamp_seconds 1.7644e+09")

    /// Every family of this domain, for the catalog.
    public static let all: [MetricDescriptor] = [
        sentTotal.descriptor, failedTotal.descriptor, suppressedTotal.descriptor, queueLength.descriptor, lastSuccess.descriptor,
    ]
}
