import Testing
import VigilMail

@Suite("Alert mail composition")
struct AlertComposerTests {
    static let sender = AlertSender(
        routerId: "lb1", hostName: "lb1.example.org", from: "vigil@example.org",
        recipients: ["ops@example.org", "oncall@example.org"], version: "0.1.0")
    /// 2026-11-25T11:39:49Z, a Wednesday.
    static let when = 1_795_606_789.0

    static func vrrp(_ to: String, from: String = "BACKUP", at: Double = when) -> AlertEvent {
        AlertEvent(
            subject: .vrrpInstance("VI_1"), change: AlertEvent.entering(to), previous: from, reason: "master_down_timer", at: at,
            facts: [AlertFact("VIPs", "192.0.2.100/24"), AlertFact("Priority", "configured 100")])
    }

    static func compose(_ events: [AlertEvent], sequence: UInt64 = 1, random: UInt64 = 0xABCDEF) -> AlertMessage? {
        AlertComposer.compose(events, sender: sender, date: when + 1, sequence: sequence, random: random)
    }

    static func header(_ name: String, in message: AlertMessage) -> String? {
        let head = message.text.split(separator: "\r\n\r\n", maxSplits: 1).first.map(String.init) ?? ""
        // Unfold continuation lines first (RFC 5322 folding: CRLF then whitespace).
        let unfolded = head.replacing("\r\n ", with: " ")
        return unfolded.split(separator: "\r\n").first { $0.hasPrefix(name + ": ") }.map { String($0.dropFirst(name.count + 2)) }
    }

    @Test("Subjects match keepalived's for every VRRP state", arguments: [
        ("master", "[lb1] VRRP Instance VI_1 - Entering MASTER state"),
        ("backup", "[lb1] VRRP Instance VI_1 - Entering BACKUP state"),
        ("fault", "[lb1] VRRP Instance VI_1 - Entering FAULT state"),
        ("stopped", "[lb1] VRRP Instance VI_1 - Entering STOP state"),
    ])
    func vrrpSubjects(state: String, subject: String) throws {
        let event = Self.vrrp(VRRPAlertRules.display(state))
        let message = try #require(Self.compose([event]))
        #expect(message.subject == subject)
        #expect(Self.header("Subject", in: message) == subject)
    }

    @Test("Sync groups and real servers (IPv4 and IPv6) have keepalived's subjects")
    func otherSubjects() throws {
        let group = AlertEvent(subject: .vrrpGroup("G1"), change: AlertEvent.entering("MASTER"), previous: "BACKUP", reason: "r", at: Self.when)
        #expect(try #require(Self.compose([group])).subject == "[lb1] VRRP Group G1 - Entering MASTER state")
        let v4 = RealServerAlertKey(address: "192.0.2.2", transport: "tcp", port: 80, virtualServer: "192.0.2.100:80/tcp")
        let down = AlertEvent(subject: .realServer(v4), change: "DOWN", previous: "UP", reason: "connection refused", at: Self.when)
        #expect(try #require(Self.compose([down])).subject == "[lb1] Realserver [192.0.2.2]:tcp:80 - DOWN")
        let v6 = RealServerAlertKey(address: "2001:db8::2", transport: "udp", port: 53, virtualServer: "[2001:db8::100]:53/udp")
        let up = AlertEvent(subject: .realServer(v6), change: "UP", previous: "DOWN", reason: "checks passed", at: Self.when)
        #expect(try #require(Self.compose([up])).subject == "[lb1] Realserver [2001:db8::2]:udp:53 - UP")
    }

    @Test("Headers: From, every recipient in To, Date in RFC 5322 form, Message-ID, MIME, X-Mailer")
    func headers() throws {
        let message = try #require(Self.compose([Self.vrrp("MASTER")]))
        #expect(Self.header("From", in: message) == "vigil@example.org")
        #expect(Self.header("To", in: message) == "ops@example.org, oncall@example.org")
        #expect(Self.header("Date", in: message) == "Wed, 25 Nov 2026 11:39:50 +0000")
        #expect(Self.header("Message-ID", in: message) == "<1.abcdef.1795606790@lb1.example.org>")
        #expect(Self.header("MIME-Version", in: message) == "1.0")
        #expect(Self.header("Content-Type", in: message) == "text/plain; charset=utf-8")
        #expect(Self.header("X-Mailer", in: message) == "Vigil 0.1.0")
        #expect(!message.text.contains("\n\n"), "lines end with CRLF")
        #expect(message.text.hasSuffix("\r\n"))
    }

    @Test("The body says what, when, where, the previous state, the reason and the VIPs")
    func body() throws {
        let message = try #require(Self.compose([Self.vrrp("MASTER")]))
        let body = message.text.split(separator: "\r\n\r\n", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
        #expect(body.hasPrefix("VRRP Instance VI_1: Entering MASTER state."))
        for line in [
            "When:     2026-11-25T11:39:49Z", "Node:     lb1 (host lb1.example.org)", "Previous: BACKUP",
            "Reason:   master_down_timer", "VIPs:     192.0.2.100/24", "Priority: configured 100",
        ] {
            #expect(body.contains(line + "\r\n"), "missing \(line)")
        }
    }

    @Test("Message-IDs differ by sequence and by random part")
    func uniqueMessageIds() throws {
        var seen: Set<String> = []
        for sequence in 1...50 {
            seen.insert(try #require(Self.compose([Self.vrrp("MASTER")], sequence: UInt64(sequence))).messageId)
        }
        seen.insert(try #require(Self.compose([Self.vrrp("MASTER")], sequence: 1, random: 7)).messageId)
        #expect(seen.count == 51)
    }

    @Test("A digest lists every change with its time and says how many")
    func digest() throws {
        let events = (0..<5).map { Self.vrrp($0 % 2 == 0 ? "BACKUP" : "MASTER", at: Self.when + Double($0)) }
        let message = try #require(Self.compose(events))
        #expect(message.subject == "[lb1] VRRP Instance VI_1 - Entering BACKUP state (digest of 5 changes)")
        #expect(message.eventCount == 5)
        for offset in 0..<5 { #expect(message.text.contains("  2026-11-25T11:39:\(49 + offset)Z  Entering ")) }
        #expect(message.text.contains("changed 5 times between 2026-11-25T11:39:49Z and 2026-11-25T11:39:53Z"))
    }

    @Test("Names with line breaks cannot inject headers; non-ASCII subjects are encoded-words")
    func headerSafety() throws {
        let evil = AlertEvent(subject: .vrrpInstance("VI\r\nBcc: x@example.org"), change: "Entering MASTER state", previous: nil, reason: "r", at: Self.when)
        let message = try #require(Self.compose([evil]))
        #expect(!message.text.contains("\r\nBcc:"))
        let accented = AlertEvent(subject: .vrrpInstance("Zürich"), change: "Entering MASTER state", previous: nil, reason: "r", at: Self.when)
        let encoded = try #require(Self.compose([accented]))
        #expect(Self.header("Subject", in: encoded) == "=?utf-8?B?W2xiMV0gVlJSUCBJbnN0YW5jZSBaw7xyaWNoIC0gRW50ZXJpbmcgTUFTVEVS?= =?utf-8?B?IHN0YXRl?=")
    }

    @Test("No events, no message")
    func empty() { #expect(Self.compose([]) == nil) }
}

@Suite("Mail dates")
struct MailDateFormatTests {
    @Test("RFC 5322 and RFC 3339 in UTC", arguments: [
        (0.0, "Thu, 1 Jan 1970 00:00:00 +0000", "1970-01-01T00:00:00Z"),
        (951_782_400.0, "Tue, 29 Feb 2000 00:00:00 +0000", "2000-02-29T00:00:00Z"),
        (1_795_606_789.9, "Wed, 25 Nov 2026 11:39:49 +0000", "2026-11-25T11:39:49Z"),
        (4_102_444_799.0, "Thu, 31 Dec 2099 23:59:59 +0000", "2099-12-31T23:59:59Z"),
        (-1.0, "Wed, 31 Dec 1969 23:59:59 +0000", "1969-12-31T23:59:59Z"),
    ])
    func formats(seconds: Double, rfc5322: String, rfc3339: String) {
        #expect(MailDateFormat.rfc5322(seconds) == rfc5322)
        #expect(MailDateFormat.rfc3339(seconds) == rfc3339)
    }

    @Test("Nonsense times do not trap")
    func nonsense() {
        #expect(MailDateFormat.rfc3339(.nan) == "1970-01-01T00:00:00Z")
        #expect(MailDateFormat.rfc3339(.infinity) == "1970-01-01T00:00:00Z")
    }
}
