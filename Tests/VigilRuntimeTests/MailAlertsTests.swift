import Logging
import Synchronization
import Testing
import VigilConfig
import VigilMail
import VigilMailer
import VigilTelemetry
@testable import VigilRuntime

/// A transport that answers from a script of results and records every envelope.
final class ScriptedTransport: MailTransport {
    private let state: Mutex<(script: [Result<SMTPDeliveryReceipt, SMTPDeliveryError>], sent: [MailEnvelope])>
    /// Answer once the script is used up.
    private let otherwise: Result<SMTPDeliveryReceipt, SMTPDeliveryError>

    init(_ script: [Result<SMTPDeliveryReceipt, SMTPDeliveryError>], otherwise: Result<SMTPDeliveryReceipt, SMTPDeliveryError> = .success(ok)) {
        state = Mutex((script, []))
        self.otherwise = otherwise
    }

    static let ok = SMTPDeliveryReceipt(reply: "250 queued", refusedRecipients: [])
    static let refused = SMTPDeliveryError(stage: .connect, detail: "connection refused", isPermanent: false)

    var envelopes: [MailEnvelope] { state.withLock { $0.sent } }

    func deliver(_ envelope: MailEnvelope, via server: SMTPServerSettings) async throws(SMTPDeliveryError) -> SMTPDeliveryReceipt {
        let result = state.withLock { state in
            state.sent.append(envelope)
            return state.script.isEmpty ? otherwise : state.script.removeFirst()
        }
        return try result.get()
    }
}

/// A transport whose deliveries hang until the test releases them.
final class HangingTransport: MailTransport {
    private let release: AsyncStream<Void>
    let releaseAll: AsyncStream<Void>.Continuation

    init() { (release, releaseAll) = AsyncStream.makeStream(of: Void.self) }

    func deliver(_ envelope: MailEnvelope, via server: SMTPServerSettings) async throws(SMTPDeliveryError) -> SMTPDeliveryReceipt {
        for await _ in release {}
        throw SMTPDeliveryError(stage: .data, detail: "released by the test", isPermanent: false)
    }
}

/// A monotonic clock the test moves by hand.
final class MailTestClock: Sendable {
    private let value = Mutex(Duration.zero)
    var now: Duration { value.withLock { $0 } }
    func advance(_ duration: Duration) { value.withLock { $0 += duration } }
}

@Suite("Mail alerts: queue, retries and coalescing with a fake transport")
struct MailAlertsTests {
    static let config = """
        global_defs {
            router_id lb1
            notification_email {
                ops@example.org
                oncall@example.org
            }
            notification_email_from vigil@example.org
            smtp_server 192.0.2.25
            smtp_alert
        }
        vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 51
            priority 150
            virtual_ipaddress {
                192.0.2.100/24
            }
        }
        vrrp_instance VI_2 {
            interface eth0
            virtual_router_id 52
            virtual_ipaddress {
                192.0.2.101/24
            }
        }
        vrrp_instance VI_3 {
            interface eth0
            virtual_router_id 53
            virtual_ipaddress {
                192.0.2.102/24
            }
        }
        """

    /// The alerts on a clock the test moves.
    struct Harness {
        let alerts: MailAlerts
        let transport: ScriptedTransport
        let registry: MetricRegistry
        let clock = MailTestClock()

        /// `transport` records what is sent; `delivering` replaces it as the transport the alerts use.
        init(
            _ transport: ScriptedTransport, delivering: (any MailTransport)? = nil, config: String = MailAlertsTests.config,
            progress: ProgressBoard? = nil
        ) throws {
            let loaded = ConfigLoader.load(text: config)
            #expect(!loaded.hasErrors, "\(loaded.diagnostics.all)")
            let setup = try #require(MailSetup.make(loaded.configuration, hostName: "lb1.example.org", version: "0.1.0"))
            registry = try MetricRegistry()
            self.transport = transport
            let clock = clock
            alerts = MailAlerts(
                setup: setup, transport: delivering ?? transport, registry: registry, progress: progress, logger: Logger(label: "test"),
                now: { clock.now }, wallNow: { 1_795_606_789 + Double(clock.now.components.seconds) },
                random: { 42 })
        }

        func advance(_ duration: Duration) { clock.advance(duration) }

        /// Feeds one input and waits for the delivery it started, if any.
        func feed(_ input: MailAlerts.Input) async {
            await alerts.handle(input)?.value
        }

        func transition(_ instance: String = "VI_1", to state: String, from: String = "backup") async {
            await feed(.vrrp(instance: instance, from: from, to: state, reason: "master_down_timer", priority: 150, at: 1_795_606_789))
        }

        var metrics: String {
            String(decoding: MetricsExposition(registry: registry, collectors: []).render(.text, collected: CollectedMetrics()), as: UTF8.self)
        }
    }

    @Test("The MASTER mail goes to every recipient with keepalived's subject")
    func firstMail() async throws {
        let lab = try Harness(ScriptedTransport([]))
        await lab.transition(to: "master")
        let envelope = try #require(lab.transport.envelopes.first)
        #expect(envelope.from == "vigil@example.org")
        #expect(envelope.recipients == ["ops@example.org", "oncall@example.org"])
        #expect(envelope.message.contains("Subject: [lb1] VRRP Instance VI_1 - Entering MASTER state\r\n"))
        #expect(envelope.message.contains("VIPs:     192.0.2.100/24\r\n"))
        #expect(envelope.message.contains("Priority: 150 (configured 150)\r\n"))
        #expect(lab.alerts.summary() == "mail ok")
        #expect(lab.metrics.contains("vigil_mail_sent_total 1\n"))
        #expect(lab.alerts.status().lastSuccessAt != nil)
        let section = lab.alerts.statusSection()
        #expect(section.summary == "mail ok")
        #expect(section.sent == 1)
        #expect(section.lastSuccessAt == "2026-11-25T11:39:49.000Z")
    }

    @Test("A refused connection is retried after 5 s and then delivered")
    func retryThenSuccess() async throws {
        let lab = try Harness(ScriptedTransport([.failure(ScriptedTransport.refused)]))
        await lab.transition(to: "master")
        #expect(lab.transport.envelopes.count == 1)
        #expect(lab.alerts.summary() == "mail failing (1 queued)")
        #expect(lab.metrics.contains(#"vigil_mail_failed_total{stage="connect"} 1"#))
        #expect(lab.metrics.contains("vigil_mail_queue_length 1.0"))
        lab.advance(.seconds(4))
        await lab.feed(.tick)
        #expect(lab.transport.envelopes.count == 1, "not before the backoff")
        lab.advance(.seconds(1))
        await lab.feed(.tick)
        #expect(lab.transport.envelopes.count == 2)
        #expect(lab.transport.envelopes[0].message == lab.transport.envelopes[1].message, "the retry resends the same message")
        #expect(lab.alerts.summary() == "mail ok")
        #expect(lab.metrics.contains("vigil_mail_sent_total 1\n"))
        #expect(lab.metrics.contains("vigil_mail_queue_length 0.0"))
    }

    @Test("A permanent refusal is counted as failed and given up, not retried")
    func permanentFailure() async throws {
        let rejected = SMTPDeliveryError(stage: .rcptTo, code: 550, detail: "no such user", isPermanent: true)
        let lab = try Harness(ScriptedTransport([.failure(rejected)]))
        await lab.transition(to: "master")
        #expect(lab.metrics.contains(#"vigil_mail_failed_total{stage="rcpt_to"} 1"#))
        #expect(lab.metrics.contains(#"vigil_mail_suppressed_total{reason="gave_up"} 1"#))
        #expect(lab.alerts.status().queued == 0)
        lab.advance(.seconds(600))
        await lab.feed(.tick)
        #expect(lab.transport.envelopes.count == 1)
    }

    @Test("A rejected password is retried at the capped interval, and the error names the stage without the password")
    func authFailure() async throws {
        let denied = SMTPDeliveryError(stage: .auth, code: 535, detail: "authentication failed", isPermanent: true)
        let lab = try Harness(ScriptedTransport([], otherwise: .failure(denied)))
        await lab.transition(to: "master")
        #expect(lab.metrics.contains(#"vigil_mail_failed_total{stage="auth"} 1"#))
        lab.advance(.seconds(299))
        await lab.feed(.tick)
        #expect(lab.transport.envelopes.count == 1)
        lab.advance(.seconds(1))
        await lab.feed(.tick)
        #expect(lab.transport.envelopes.count == 2)
        #expect(lab.alerts.status().lastError?.contains("auth") == true)
    }

    @Test("The queue length metric counts mails waiting; failures of other stages are exported at 0")
    func queueLength() async throws {
        let lab = try Harness(ScriptedTransport([], otherwise: .failure(ScriptedTransport.refused)))
        await lab.transition("VI_1", to: "master")
        await lab.transition("VI_2", to: "master")
        await lab.transition("VI_3", to: "master")
        #expect(lab.metrics.contains("vigil_mail_queue_length 3.0"))
        #expect(lab.metrics.contains(#"vigil_mail_failed_total{stage="auth"} 0"#))
        #expect(lab.alerts.summary() == "mail failing (3 queued)")
    }

    @Test("20 flaps in 10 s send at most 3 mails: two at once, then a digest of the held changes")
    func flapping() async throws {
        let lab = try Harness(ScriptedTransport([]))
        for flap in 0..<20 {
            await lab.transition(to: flap % 2 == 0 ? "master" : "backup", from: flap % 2 == 0 ? "backup" : "master")
            lab.advance(.milliseconds(500))
        }
        for _ in 0..<60 {
            lab.advance(.seconds(1))
            await lab.feed(.tick)
        }
        let subjects = lab.transport.envelopes.compactMap { $0.message.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") } }
        #expect(subjects.count <= 3)
        #expect(subjects.count == 3)
        #expect(subjects.last?.hasSuffix("(digest of 18 changes)") == true, "\(subjects)")
        #expect(lab.metrics.contains(#"vigil_mail_suppressed_total{reason="coalesced"} 18"#))
    }

    @Test("The mail heartbeat beats while a delivery runs, and stops once it outlives every transport timeout")
    func stuckDelivery() async throws {
        let registry = try MetricRegistry()
        let board = ProgressBoard(engines: [EngineDeadline(engine: MailAlerts.engineName, deadline: .milliseconds(200))], registry: registry)
        let hanging = HangingTransport()
        defer { hanging.releaseAll.finish() }
        let lab = try Harness(ScriptedTransport([]), delivering: hanging, progress: board)
        let delivery = await lab.alerts.handle(.vrrp(instance: "VI_1", from: "backup", to: "master", reason: "r", priority: 100, at: 0))
        #expect(delivery != nil)
        await lab.feed(.tick)
        #expect(board.report().first?.healthy == true, "a delivery in progress is progress")
        // smtp_connect_timeout 30 s bounds each step; twelve of them and a minute more is stuck.
        lab.advance(.seconds(30 * 12 + 61))
        try await Task.sleep(for: .milliseconds(300))
        await lab.feed(.tick)
        #expect(board.report().first?.healthy == false, "a hung delivery stops the heartbeat")
    }

    @Test("A sync group with smtp_alert sends one group mail when all its members are MASTER, and no instance mail")
    func syncGroup() async throws {
        let config = Self.config.replacingOccurrences(of: "    smtp_alert\n", with: "") + """
            vrrp_sync_group G1 {
                group {
                    VI_1
                    VI_2
                }
                smtp_alert
            }

            """
        let lab = try Harness(ScriptedTransport([]), config: config)
        await lab.transition("VI_1", to: "master")
        #expect(lab.transport.envelopes.isEmpty, "VI_2 is not master yet, and members do not mail for themselves")
        await lab.transition("VI_2", to: "master")
        let subjects = lab.transport.envelopes.compactMap { $0.message.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") } }
        #expect(subjects == ["Subject: [lb1] VRRP Group G1 - Entering MASTER state"])
        await lab.transition("VI_3", to: "master")
        #expect(lab.transport.envelopes.count == 1, "VI_3 has no smtp_alert without the global switch")
    }

    @Test("A reload's settings apply to the next mail: new recipients and router_id")
    func reconfigure() async throws {
        let lab = try Harness(ScriptedTransport([]))
        let changed = Self.config.replacingOccurrences(of: "router_id lb1", with: "router_id lb9")
            .replacingOccurrences(of: "        oncall@example.org\n", with: "")
        let setup = try #require(MailSetup.make(ConfigLoader.load(text: changed).configuration, hostName: "h", version: "v"))
        await lab.alerts.reconfigure(setup)
        await lab.transition(to: "master")
        let envelope = try #require(lab.transport.envelopes.first)
        #expect(envelope.recipients == ["ops@example.org"])
        #expect(envelope.message.contains("Subject: [lb9] VRRP Instance VI_1 - Entering MASTER state\r\n"))
    }

    @Test("No mail without an smtp_alert switched on, without a server or without recipients")
    func mailOff() {
        let withoutAlert = Self.config.replacingOccurrences(of: "    smtp_alert\n", with: "")
        #expect(MailSetup.make(ConfigLoader.load(text: withoutAlert).configuration, hostName: "h", version: "v") == nil)
        let withoutServer = Self.config.replacingOccurrences(of: "    smtp_server 192.0.2.25\n", with: "")
        #expect(MailSetup.make(ConfigLoader.load(text: withoutServer).configuration, hostName: "h", version: "v") == nil)
    }
}
