import Logging
import Synchronization
import VigilHTTP
import VigilTelemetry

#if canImport(Glibc)
import Glibc
#endif

/// Routes requests of both listeners: reads on both, state changes on the control socket only.
public final class APIRouter: HTTPRequestHandler {
    let exposition: MetricsExposition
    let config: ConfigStore
    let progress: ProgressBoard
    let daemon: Mutex<DaemonInfo>
    let logger: Logger
    /// Runs CPU-bound rendering away from the engines' executors.
    let offload: @Sendable (@escaping @Sendable () -> [UInt8]) async -> [UInt8]
    /// The VRRP engine's live view, when one runs.
    let vrrp: VRRPEngine?
    /// The check engine's live view, when one runs.
    let checks: CheckEngine?
    /// The daemon's reload (`ReloadCoordinator`); the store's own reload when none is given.
    let reloadAction: @Sendable () async -> ReloadOutcome
    /// Alert mail, when the configuration sends any.
    let mail: MailAlerts?
    /// The event journal behind `/events`; an empty one when none is given.
    let events: EventJournal
    /// Collectors failing now, so a lasting failure is logged once, not on every scrape.
    private let failingCollectors = Mutex<Set<String>>([])

    /// The handler labels a request is counted under; anything else is `other`, keeping cardinality bounded.
    static let readPaths = ["/", "/metrics", "/healthz", "/status", "/events"]

    public init(
        exposition: MetricsExposition, config: ConfigStore, progress: ProgressBoard, daemon: DaemonInfo, logger: Logger,
        vrrp: VRRPEngine? = nil, checks: CheckEngine? = nil, mail: MailAlerts? = nil, events: EventJournal = EventJournal(),
        offload: @escaping @Sendable (@escaping @Sendable () -> [UInt8]) async -> [UInt8],
        reload: (@Sendable () async -> ReloadOutcome)? = nil
    ) {
        self.events = events
        reloadAction = reload ?? { await config.reload() }
        self.vrrp = vrrp
        self.checks = checks
        self.mail = mail
        self.exposition = exposition
        self.config = config
        self.progress = progress
        self.daemon = Mutex(daemon)
        self.logger = logger
        self.offload = offload
    }

    /// Records the listeners once they are bound (ports chosen by the kernel included).
    public func setListeners(_ listeners: [String]) {
        daemon.withLock { $0.listeners = listeners }
    }

    public func handle(_ request: HTTPRequest) async -> HTTPResponse {
        let handler = Self.readPaths.contains(request.path) || request.path == "/reload" ? request.path : "other"
        let response = await route(request)
        exposition.registry.counter(HTTPMetrics.requestsTotal, HTTPRequestLabels(handler: handler, code: response.status))
            .increment()
        return response
    }

    func route(_ request: HTTPRequest) async -> HTTPResponse {
        let isRead = request.method == "GET" || request.method == "HEAD"
        switch request.path {
        case "/reload":
            guard request.method == "POST" else { return Self.methodNotAllowed("POST") }
            return await reload(request)
        case let path where Self.readPaths.contains(path):
            guard isRead else { return Self.methodNotAllowed("GET, HEAD") }
            switch path {
            case "/metrics": return await metrics(request)
            case "/healthz": return healthz()
            case "/status": return await status()
            case "/events": return eventsPage(request)
            default: return .text(200, Self.index)
            }
        default:
            return .text(404, "not found: \(request.path)\n\(Self.index)")
        }
    }

    static let index = """
        vigild
          /metrics  Prometheus metrics (text 0.0.4, or OpenMetrics when asked; ?format=text|openmetrics)
          /healthz  200 while every engine makes progress, 503 with the reason otherwise
          /status   the instances, virtual servers and configuration, as JSON
          /events   what happened and why (VRRP transitions with their cause, real servers, reloads), oldest first; ?since=N
          POST /reload  on the control socket only: reload the configuration

        """

    static func methodNotAllowed(_ allow: String) -> HTTPResponse {
        var response = HTTPResponse.text(405, "method not allowed; use \(allow)\n")
        response.headers.append((name: "Allow", value: allow))
        return response
    }

    func metrics(_ request: HTTPRequest) async -> HTTPResponse {
        let format = ExpositionFormat.negotiate(accept: request.header("accept"), formatParameter: request.query["format"])
        _ = progress.report()  // refreshes vigil_engine_healthy for this scrape
        let (collected, failures) = await exposition.collect()
        noteCollectorFailures(failures)
        let exposition = exposition
        let body = await offload { exposition.render(format, collected: collected) }
        return HTTPResponse(status: 200, headers: [(name: "Content-Type", value: format.contentType)], body: body)
    }

    private func noteCollectorFailures(_ failures: [(collector: String, failure: CollectorFailure)]) {
        let failingNow = Set(failures.map(\.collector))
        let (started, recovered) = failingCollectors.withLock { previous in
            defer { previous = failingNow }
            return (failingNow.subtracting(previous), previous.subtracting(failingNow))
        }
        for failure in failures where started.contains(failure.collector) {
            logger.warning(
                "scrape collector failing; its metrics are left out until it recovers",
                metadata: ["collector": "\(failure.collector)", "reason": "\(failure.failure)"])
        }
        for collector in recovered.sorted() {
            logger.info("scrape collector recovered", metadata: ["collector": "\(collector)"])
        }
    }

    /// `GET /events[?since=N]`: the journal's events after N, as JSON.
    func eventsPage(_ request: HTTPRequest) -> HTTPResponse {
        var since: Int?
        if let text = request.query["since"] {
            guard let value = Int(text), value >= 0 else { return .text(400, "since must be a sequence number (0 or more)\n") }
            since = value
        }
        do {
            return HTTPResponse(
                status: 200, headers: [(name: "Content-Type", value: "application/json")], body: try StatusJSON.encode(events.events(since: since)))
        } catch {
            return .text(500, "cannot encode the events: \(error)\n")
        }
    }

    func healthz() -> HTTPResponse {
        let report = progress.report()
        let problems = report.compactMap(\.problem)
        guard problems.isEmpty, !report.isEmpty else {
            let reasons = report.isEmpty ? ["no engine is running"] : problems
            return .text(503, "unhealthy: " + reasons.joined(separator: "; ") + "\n")
        }
        return .text(200, "ok\n")
    }

    func status() async -> HTTPResponse {
        let (loaded, configStatus) = await config.status()
        let report = progress.report()
        let info = daemon.withLock { $0 }
        let document = StatusDocument(
            daemon: DaemonStatus(
                version: info.build.version, revision: info.build.revision, pid: info.pid,
                startedAt: WallClock.rfc3339(info.startedAt),
                uptimeSeconds: (ContinuousClock.now - info.startInstant).inSeconds, listeners: info.listeners),
            config: configStatus,
            health: HealthStatus(
                healthy: !report.isEmpty && report.allSatisfy(\.healthy),
                engines: report.map { engine in
                    EngineStatus(
                        engine: engine.engine, healthy: engine.healthy, silenceSeconds: engine.silence?.inSeconds,
                        deadlineSeconds: engine.deadline.inSeconds, problem: engine.problem)
                }),
            vrrpInstances: ConfiguredStatus.vrrpInstances(loaded.configuration, live: await vrrp?.snapshot() ?? [:]),
            virtualServers: ConfiguredStatus.virtualServers(
                loaded.configuration, live: await checks?.liveStatus() ?? [:], quorum: await checks?.quorumStatus() ?? [:]),
            ipvs: await checks?.ipvsStatus(), mail: mail?.statusSection())
        do {
            return .json(200, try StatusJSON.encode(document))
        } catch {
            logger.error("cannot encode /status", metadata: ["error": "\(error)"])
            return .text(500, "cannot encode the status: \(error)\n")
        }
    }

    func reload(_ request: HTTPRequest) async -> HTTPResponse {
        guard request.role == .control else {
            return .text(403, "state changes are accepted only on the control socket (vigilctl reload, or SIGHUP)\n")
        }
        if let uid = request.peerUID, uid != 0, uid != geteuid() {
            logger.warning("reload refused: peer is neither root nor vigild's user", metadata: ["uid": "\(uid)"])
            return .text(403, "only root or vigild's own user may reload\n")
        }
        logger.info("reload requested over the control socket", metadata: ["uid": "\(request.peerUID.map(String.init) ?? "?")"])
        let outcome = await reloadAction()
        let body = ReloadReply(result: outcome.accepted ? "reloaded" : "rejected", diagnostics: outcome.diagnostics)
        do {
            return .json(outcome.accepted ? 200 : 422, try StatusJSON.encode(body))
        } catch {
            return .text(500, "cannot encode the reply: \(error)\n")
        }
    }
}
