import FoundationEssentials

/// One entry of the event journal, as `GET /events` serves it and `vigilctl events` prints it.
public struct EventRecord: Codable, Sendable, Equatable {
    /// Increases by one per event since the daemon started; `?since=` takes the last one seen.
    public var sequence: Int
    /// RFC 3339 wall time, milliseconds.
    public var time: String
    /// `vrrp_transition`, `announcement`, `notify_script`, `real_server`, `quorum`, `reload`,
    /// `ipvs_refused`, `lvs_notify_script`.
    public var kind: String
    /// What it is about: an instance, a virtual and real server, the configuration file.
    public var subject: String
    /// One line in operator terms: what happened and why.
    public var message: String
    /// The same facts as fields, for tools (`from`, `to`, `reason`, `cause`, ...).
    public var fields: [String: String]

    public init(sequence: Int, time: String, kind: String, subject: String, message: String, fields: [String: String]) {
        self.sequence = sequence
        self.time = time
        self.kind = kind
        self.subject = subject
        self.message = message
        self.fields = fields
    }

    /// `TIME KIND SUBJECT: MESSAGE`, the line vigilctl prints.
    public var line: String { "\(time)  \(kind)  \(subject): \(message)" }
}

/// `GET /events`: the journal's entries after `since`, oldest first (newest last).
public struct EventsDocument: Codable, Sendable, Equatable {
    public var events: [EventRecord]
    /// The sequence of the newest event; pass it as `?since=` to get only later ones.
    public var last: Int
    /// Events older than the journal keeps were dropped before `since` could see them.
    public var dropped: Int

    public init(events: [EventRecord], last: Int, dropped: Int) {
        self.events = events
        self.last = last
        self.dropped = dropped
    }
}
