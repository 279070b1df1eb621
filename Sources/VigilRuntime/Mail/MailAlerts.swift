import Logging
import Synchronization
import VigilMail
import VigilMailer
import VigilTelemetry

/// What /status and the systemd STATUS line show of the mail alerts.
public struct MailAlertsStatus: Sendable, Equatable {
    public var queued = 0
    public var sent = 0
    /// The last failure, worded without secrets; nil after a success.
    public var lastError: String?
    /// When the server last accepted a mail, in seconds since the Unix epoch.
    public var lastSuccessAt: Double?
}

/// Alert mail: takes VRRP and real server changes from the engines without ever making them
/// wait, coalesces flapping subjects, and delivers from a bounded queue with retries and backoff.
///
/// Engines call the nonisolated `vrrpTransition`/`realServerChanged`, which only put the change in
/// this actor's inbox. One delivery runs at a time, in a task of its own, so a slow SMTP server
/// delays mail and nothing else; the heartbeat (engine "mail") beats from this actor's loop and
/// stops only if the loop itself stalls or a delivery outlives every timeout the transport has.
public actor MailAlerts {
    public static let engineName = EngineName.mail.rawValue
    /// The summary when the configuration sends no mail.
    public static let offSummary = "mail off"
    /// Ticks drive the heartbeat, digests and retries; mail needs no finer timing.
    static let tick = Duration.seconds(1)
    /// A tick every second: three missed ticks mean the loop is stuck.
    public static let deadline = Duration.seconds(5)

    /// A change an engine reported.
    enum Input: Sendable {
        case vrrp(instance: String, from: String, to: String, reason: String, priority: Int, at: Double)
        case realServer(RealServerAlertKey, up: Bool, reason: String, at: Double)
        case tick
        /// Shutdown: everything before it in the inbox is handled; held changes go out now.
        case flush
    }

    private var setup: MailSetup
    private var rules: VRRPAlertRules
    private let transport: any MailTransport
    private let registry: MetricRegistry
    private let progress: ProgressBoard?
    private let logger: Logger
    private let policy: RetryPolicy
    private var coalescer: AlertCoalescer
    private var queue = MailQueue<AlertMessage>()
    private var sequence: UInt64 = 0
    private var inFlight: (id: UInt64, since: Duration)?
    private var lastAttemptFailed = false
    private var flushed = false
    /// A delivery running longer than this is stuck despite the transport's own timeouts.
    private var stuckAfter: Duration

    private let inbox: AsyncStream<Input>
    private nonisolated let inboxWriter: AsyncStream<Input>.Continuation
    private nonisolated let snapshot = Mutex(MailAlertsStatus())
    private let now: @Sendable () -> Duration
    private let wallNow: @Sendable () -> Double
    private let random: @Sendable () -> UInt64

    init(
        setup: MailSetup, transport: any MailTransport, registry: MetricRegistry, progress: ProgressBoard?, logger: Logger,
        policy: RetryPolicy = RetryPolicy(), window: Duration = AlertCoalescer.defaultWindow,
        now: (@Sendable () -> Duration)? = nil, wallNow: @escaping @Sendable () -> Double = { WallClock.now() },
        random: @escaping @Sendable () -> UInt64 = { UInt64.random(in: .min ... .max) }
    ) {
        self.setup = setup
        rules = setup.vrrpRules
        self.transport = transport
        self.registry = registry
        self.progress = progress
        self.logger = logger
        self.policy = policy
        coalescer = AlertCoalescer(window: window)
        let origin = ContinuousClock.now
        self.now = now ?? { ContinuousClock.now - origin }
        self.wallNow = wallNow
        self.random = random
        stuckAfter = setup.server.connectTimeout * 12 + .seconds(60)
        // Changes are rare; far more than the queue holds in the inbox means mail is hopelessly behind.
        (inbox, inboxWriter) = AsyncStream.makeStream(of: Input.self, bufferingPolicy: .bufferingNewest(1000))
        for stage in MailMetrics.stages { registry.counter(MailMetrics.failedTotal, MailStageLabels(stage: stage)).increment(by: 0) }
        for reason in MailMetrics.suppressedReasons {
            registry.counter(MailMetrics.suppressedTotal, MailSuppressedLabels(reason: reason)).increment(by: 0)
        }
        registry.counter(MailMetrics.sentTotal).increment(by: 0)
        registry.gauge(MailMetrics.queueLength).set(0)
        registry.gauge(MailMetrics.lastSuccess).set(0)
    }

    // MARK: From the engines (never blocks, never awaits)

    /// A VRRP instance changed state (states in lower case, as `VRRPStateName` spells them).
    public nonisolated func vrrpTransition(instance: String, from: String, to: String, reason: String, priority: Int) {
        inboxWriter.yield(.vrrp(instance: instance, from: from, to: to, reason: reason, priority: priority, at: wallNow()))
    }

    /// A real server went up or down.
    nonisolated func realServerChanged(_ key: RealServerAlertKey, up: Bool, reason: String) {
        inboxWriter.yield(.realServer(key, up: up, reason: reason, at: wallNow()))
    }

    /// One line for the systemd STATUS: `mail ok`, `mail failing (3 queued)`.
    public nonisolated func summary() -> String {
        let status = snapshot.withLock { $0 }
        if status.lastError != nil { return "mail failing (\(status.queued) queued)" }
        if status.queued > 0 { return "mail sending (\(status.queued) queued)" }
        return "mail ok"
    }

    /// The counts, last error and last success.
    public nonisolated func status() -> MailAlertsStatus { snapshot.withLock { $0 } }

    /// The /status section.
    nonisolated func statusSection() -> MailStatus {
        let status = status()
        return MailStatus(
            summary: summary(), queued: status.queued, sent: status.sent, lastError: status.lastError,
            lastSuccessAt: status.lastSuccessAt.map(WallClock.rfc3339))
    }

    /// At shutdown, after the engines stopped: the changes they reported last (STOP) and the mail
    /// already queued get until `limit` for one attempt each; what is left then is dropped.
    /// `run` must still be running.
    func drain(within limit: Duration) async {
        let until = ContinuousClock.now + limit
        inboxWriter.yield(.flush)
        while ContinuousClock.now < until {
            if flushed && inFlight == nil && (queue.nextDue.map { $0 > now() } ?? true) { break }
            startDueDelivery()
            try? await Task.sleep(for: .milliseconds(20))
        }
        if !queue.isEmpty {
            logger.warning("mail not sent before shutdown", metadata: ["queued": "\(queue.count)"])
        }
    }

    /// The daemon's pulse: proves this actor answers (and that no delivery is stuck), at the pace
    /// the systemd watchdog needs, which may be faster than the loop's own one-second tick.
    func heartbeat() { beatIfProgressing() }

    /// After a reload: new server, credentials, recipients and switches for the mail still to
    /// compose; queued mail keeps its text and goes to the new server. Sync group states restart.
    func reconfigure(_ newSetup: MailSetup) {
        setup = newSetup
        rules = newSetup.vrrpRules
        stuckAfter = newSetup.server.connectTimeout * 12 + .seconds(60)
        logger.info("mail settings reloaded", metadata: ["smtp_server": "\(newSetup.server.host):\(newSetup.server.port)"])
    }

    // MARK: The loop

    /// Runs until cancelled: takes changes from the inbox and ticks every second.
    func run() async {
        let server = setup.server
        logger.info(
            "mail alerts on",
            metadata: [
                "smtp_server": "\(server.host):\(server.port)", "tls": "\(server.tls.rawValue)",
                "auth_user": "\(server.credentials?.user ?? "-")", "recipients": "\(setup.sender.recipients.count)",
            ])
        let writer = inboxWriter
        let ticker = Task {
            while !Task.isCancelled {
                writer.yield(.tick)
                try? await Task.sleep(for: Self.tick)
            }
        }
        for await input in inbox {
            if Task.isCancelled { break }
            handle(input)
        }
        ticker.cancel()
    }

    /// Handles one input and starts a delivery if one is due; returns that delivery's task.
    @discardableResult
    func handle(_ input: Input) -> Task<Void, Never>? {
        switch input {
        case .vrrp(let instance, let from, let to, let reason, let priority, let at):
            let decision = rules.transition(of: instance, to: to)
            let previous = VRRPAlertRules.display(from)
            var facts = setup.instanceFacts[instance] ?? []
            let configured = setup.configuredPriority[instance].map { " (configured \($0))" } ?? ""
            facts.append(AlertFact("Priority", "\(priority)\(configured)"))
            if decision.instance {
                offer(AlertEvent(
                    subject: .vrrpInstance(instance), change: AlertEvent.entering(VRRPAlertRules.display(to)),
                    previous: previous, reason: reason, at: at, facts: facts))
            }
            if let group = decision.group {
                offer(AlertEvent(
                    subject: .vrrpGroup(group.name), change: AlertEvent.entering(VRRPAlertRules.display(group.state)),
                    previous: group.previous.map(VRRPAlertRules.display), reason: "\(instance) entered \(VRRPAlertRules.display(to)): \(reason)",
                    at: at, facts: [AlertFact("Instance", instance)]))
            }
        case .realServer(let key, let up, let reason, let at):
            if setup.realServerMails[key] == true {
                offer(AlertEvent(
                    subject: .realServer(key), change: up ? "UP" : "DOWN", previous: up ? "DOWN" : "UP", reason: reason, at: at,
                    facts: [AlertFact("Service", key.virtualServer)]))
            }
        case .tick:
            beatIfProgressing()
        case .flush:
            for digest in coalescer.flushAll() { enqueue(digest) }
            flushed = true
        }
        for digest in coalescer.due(now: now()) {
            if let first = digest.first {
                logger.info(
                    "mail digest queued",
                    metadata: ["subject": "\(first.subject.title)", "changes": "\(digest.count)"])
            }
            enqueue(digest)
        }
        return startDueDelivery()
    }

    private func offer(_ event: AlertEvent) {
        switch coalescer.offer(event, now: now()) {
        case .sendNow(let events):
            enqueue(events)
        case .held:
            registry.counter(MailMetrics.suppressedTotal, MailSuppressedLabels(reason: "coalesced")).increment()
            logger.debug("mail held for a digest", metadata: ["subject": "\(event.subject.title)", "change": "\(event.change)"])
        }
    }

    private func enqueue(_ events: [AlertEvent]) {
        sequence += 1
        guard let message = AlertComposer.compose(events, sender: setup.sender, date: wallNow(), sequence: sequence, random: random())
        else { return }
        if let dropped = queue.enqueue(message, now: now()) {
            registry.counter(MailMetrics.suppressedTotal, MailSuppressedLabels(reason: "queue_full")).increment()
            logger.warning(
                "mail queue full; the oldest mail is dropped",
                metadata: ["subject": "\(dropped.item.subject)", "capacity": "\(queue.capacity)"])
        }
        publishQueue()
    }

    @discardableResult
    private func startDueDelivery() -> Task<Void, Never>? {
        guard inFlight == nil, let entry = queue.takeDue(now: now()) else { return nil }
        inFlight = (entry.id, now())
        let envelope = MailEnvelope(from: setup.sender.from, recipients: setup.sender.recipients, message: entry.item.text)
        let transport = transport
        let server = setup.server
        return Task {
            let result: Result<SMTPDeliveryReceipt, SMTPDeliveryError>
            do throws(SMTPDeliveryError) {
                result = .success(try await transport.deliver(envelope, via: server))
            } catch {
                result = .failure(error)
            }
            self.finished(entry.id, result)
        }
    }

    private func finished(_ id: UInt64, _ result: Result<SMTPDeliveryReceipt, SMTPDeliveryError>) {
        inFlight = nil
        // Dropped for room while it was being delivered: nothing to account, move on.
        guard let entry = queue.entry(id: id) else {
            startDueDelivery()
            return
        }
        let subject = entry.item.subject
        switch result {
        case .success(let receipt):
            queue.remove(id: id)
            lastAttemptFailed = false
            let at = wallNow()
            registry.counter(MailMetrics.sentTotal).increment()
            registry.gauge(MailMetrics.lastSuccess).set(at)
            snapshot.withLock {
                $0.sent += 1
                $0.lastError = nil
                $0.lastSuccessAt = at
            }
            var metadata: Logger.Metadata = [
                "subject": "\(subject)", "recipients": "\(setup.sender.recipients.count)", "message_id": "\(entry.item.messageId)",
                "attempt": "\(entry.attempts)",
            ]
            if !receipt.refusedRecipients.isEmpty { metadata["refused"] = "\(receipt.refusedRecipients.joined(separator: ","))" }
            logger.notice("mail sent", metadata: metadata)
        case .failure(let error):
            lastAttemptFailed = true
            registry.counter(MailMetrics.failedTotal, MailStageLabels(stage: error.stage.rawValue)).increment()
            snapshot.withLock { $0.lastError = "\(error)" }
            let decision = policy.decide(afterAttempt: entry.attempts, kind: Self.kind(of: error), age: now() - entry.queuedAt)
            var metadata: Logger.Metadata = [
                "subject": "\(subject)", "stage": "\(error.stage.rawValue)", "detail": "\(error.detail)", "attempt": "\(entry.attempts)",
            ]
            if let code = error.code { metadata["code"] = "\(code)" }
            switch decision {
            case .retry(let after):
                queue.retry(id: id, at: now() + after)
                metadata["next_retry"] = "in \(Self.text(after))"
                logger.warning("mail delivery failed", metadata: metadata)
            case .giveUp(let reason):
                queue.remove(id: id)
                registry.counter(MailMetrics.suppressedTotal, MailSuppressedLabels(reason: "gave_up")).increment()
                metadata["gave_up"] = "\(reason.rawValue)"
                logger.error("mail delivery failed; giving up on this mail", metadata: metadata)
            }
        }
        publishQueue()
        startDueDelivery()
    }

    private func beatIfProgressing() {
        if let inFlight, now() - inFlight.since > stuckAfter { return }
        progress?.beat(Self.engineName)
    }

    private func publishQueue() {
        let count = queue.count
        registry.gauge(MailMetrics.queueLength).set(count)
        snapshot.withLock { $0.queued = count }
    }

    /// Authentication and certificate problems are setup problems; refusals of the message are final.
    static func kind(of error: SMTPDeliveryError) -> DeliveryFailureKind {
        guard error.isPermanent else { return .temporary }
        switch error.stage {
        case .connect, .greeting, .ehlo, .starttls, .tls, .auth: return .setup
        case .mailFrom, .rcptTo, .data, .message, .quit: return .rejected
        }
    }

    private static func text(_ duration: Duration) -> String {
        let seconds = duration.components.seconds
        return seconds >= 60 && seconds % 60 == 0 ? "\(seconds / 60) min" : "\(seconds) s"
    }
}
