/// The JSON document of /status: what vigild runs, from which config, and how healthy it is.
///
/// Built from chosen fields only (never by encoding the configuration), so secrets such as
/// auth_pass or SMTP passwords cannot leak into it.
public struct StatusDocument: Codable, Sendable, Equatable {
    public var daemon: DaemonStatus
    public var config: ConfigStatus
    public var health: HealthStatus
    public var vrrpInstances: [VRRPInstanceStatus]
    public var virtualServers: [VirtualServerStatus]
    /// The kernel's IPVS table as read now; nil when no check engine runs.
    public var ipvs: IPVSStatus?
    /// Alert mail; nil when the configuration sends none.
    public var mail: MailStatus?

    public init(
        daemon: DaemonStatus, config: ConfigStatus, health: HealthStatus, vrrpInstances: [VRRPInstanceStatus],
        virtualServers: [VirtualServerStatus], ipvs: IPVSStatus? = nil, mail: MailStatus? = nil
    ) {
        self.ipvs = ipvs
        self.mail = mail
        self.daemon = daemon
        self.config = config
        self.health = health
        self.vrrpInstances = vrrpInstances
        self.virtualServers = virtualServers
    }
}

/// The alert mail queue: what waits, what went out, the last failure (worded without secrets).
public struct MailStatus: Codable, Sendable, Equatable {
    /// `mail ok`, `mail failing (3 queued)`, as in the systemd status line.
    public var summary: String
    public var queued: Int
    public var sent: Int
    public var lastError: String?
    /// RFC 3339 UTC time of the last mail the server accepted.
    public var lastSuccessAt: String?

    public init(summary: String, queued: Int, sent: Int, lastError: String?, lastSuccessAt: String?) {
        self.summary = summary
        self.queued = queued
        self.sent = sent
        self.lastError = lastError
        self.lastSuccessAt = lastSuccessAt
    }
}

/// The kernel's IPVS table, in `ipvsadm -Ln`'s layout, or why there is none.
public struct IPVSStatus: Codable, Sendable, Equatable {
    public var available: Bool
    /// `ipvsadm -Ln`'s lines; empty when IPVS is unavailable or unreadable.
    public var table: [String]
    /// Why the table is missing (no IPVS in the kernel, a read error).
    public var problem: String?

    public init(available: Bool, table: [String], problem: String?) {
        self.available = available
        self.table = table
        self.problem = problem
    }
}

/// The running process.
public struct DaemonStatus: Codable, Sendable, Equatable {
    public var version: String
    public var revision: String
    public var pid: Int
    /// RFC 3339 UTC time.
    public var startedAt: String
    public var uptimeSeconds: Double
    /// Where vigild listens, e.g. `http://127.0.0.1:7390` and `unix:/run/vigil/vigild.sock`.
    public var listeners: [String]

    public init(version: String, revision: String, pid: Int, startedAt: String, uptimeSeconds: Double, listeners: [String]) {
        self.version = version
        self.revision = revision
        self.pid = pid
        self.startedAt = startedAt
        self.uptimeSeconds = uptimeSeconds
        self.listeners = listeners
    }
}

/// The configuration in use and how the last reload went.
public struct ConfigStatus: Codable, Sendable, Equatable {
    public var file: String
    public var loadedAt: String
    public var loadDurationSeconds: Double
    public var errors: Int
    public var warnings: Int
    public var reloads: Int
    public var reloadFailures: Int
    public var lastReloadSuccessful: Bool
    /// The first error of the last rejected reload, while the rejection is the latest outcome.
    public var lastReloadError: String?

    public init(
        file: String, loadedAt: String, loadDurationSeconds: Double, errors: Int, warnings: Int, reloads: Int,
        reloadFailures: Int, lastReloadSuccessful: Bool, lastReloadError: String?
    ) {
        self.file = file
        self.loadedAt = loadedAt
        self.loadDurationSeconds = loadDurationSeconds
        self.errors = errors
        self.warnings = warnings
        self.reloads = reloads
        self.reloadFailures = reloadFailures
        self.lastReloadSuccessful = lastReloadSuccessful
        self.lastReloadError = lastReloadError
    }
}

/// Whether every engine makes progress.
public struct HealthStatus: Codable, Sendable, Equatable {
    public var healthy: Bool
    public var engines: [EngineStatus]

    public init(healthy: Bool, engines: [EngineStatus]) {
        self.healthy = healthy
        self.engines = engines
    }
}

/// One engine's progress.
public struct EngineStatus: Codable, Sendable, Equatable {
    public var engine: String
    public var healthy: Bool
    /// Seconds since its last progress; nil if it never made any.
    public var silenceSeconds: Double?
    public var deadlineSeconds: Double
    public var problem: String?

    public init(engine: String, healthy: Bool, silenceSeconds: Double?, deadlineSeconds: Double, problem: String?) {
        self.engine = engine
        self.healthy = healthy
        self.silenceSeconds = silenceSeconds
        self.deadlineSeconds = deadlineSeconds
        self.problem = problem
    }
}

/// One vrrp_instance: its configuration now, its live state once the VRRP engine runs.
public struct VRRPInstanceStatus: Codable, Sendable, Equatable {
    public var name: String
    public var interface: String?
    public var virtualRouterId: Int?
    public var version: Int
    /// MASTER or BACKUP as configured with `state`.
    public var initialState: String
    public var configuredPriority: Int
    /// The priority advertised (configured plus tracking weights); nil until the engine runs.
    public var effectivePriority: Int?
    /// INIT, BACKUP, MASTER, FAULT; nil while no VRRP engine runs this instance.
    public var state: String?
    public var virtualIpaddresses: [String]
    /// The master this router hears, when it is a backup.
    public var masterHeard: String?
    public var lastTransitionAt: String?

    public init(
        name: String, interface: String?, virtualRouterId: Int?, version: Int, initialState: String,
        configuredPriority: Int, effectivePriority: Int?, state: String?, virtualIpaddresses: [String],
        masterHeard: String?, lastTransitionAt: String?
    ) {
        self.name = name
        self.interface = interface
        self.virtualRouterId = virtualRouterId
        self.version = version
        self.initialState = initialState
        self.configuredPriority = configuredPriority
        self.effectivePriority = effectivePriority
        self.state = state
        self.virtualIpaddresses = virtualIpaddresses
        self.masterHeard = masterHeard
        self.lastTransitionAt = lastTransitionAt
    }
}

/// One virtual_server with its real servers, the way `ipvsadm -Ln` lists them.
public struct VirtualServerStatus: Codable, Sendable, Equatable {
    /// `TCP 192.0.2.100:80`, `FWM 1` or `group NAME`, as ipvsadm writes it.
    public var service: String
    public var scheduler: String
    public var forwarding: String
    public var persistenceTimeout: Int?
    public var quorum: Int
    /// Whether the live weights reach the quorum; nil while no check engine runs.
    public var quorumUp: Bool?
    public var realServers: [RealServerStatus]

    public init(
        service: String, scheduler: String, forwarding: String, persistenceTimeout: Int?, quorum: Int,
        quorumUp: Bool? = nil, realServers: [RealServerStatus]
    ) {
        self.quorumUp = quorumUp
        self.service = service
        self.scheduler = scheduler
        self.forwarding = forwarding
        self.persistenceTimeout = persistenceTimeout
        self.quorum = quorum
        self.realServers = realServers
    }
}

/// One real_server: configuration now, health once the checkers run.
public struct RealServerStatus: Codable, Sendable, Equatable {
    /// `198.51.100.11:80`.
    public var address: String
    public var weight: Int
    public var forwarding: String
    public var checkers: [String]
    /// up or down; nil while no checker runs it.
    public var health: String?
    public var lastCheckSeconds: Double?
    /// The last result of each checker: `TCP_CHECK success`, `HTTP_GET status`.
    public var lastResults: [String]?

    public init(
        address: String, weight: Int, forwarding: String, checkers: [String], health: String?, lastCheckSeconds: Double?,
        lastResults: [String]? = nil
    ) {
        self.lastResults = lastResults
        self.address = address
        self.weight = weight
        self.forwarding = forwarding
        self.checkers = checkers
        self.health = health
        self.lastCheckSeconds = lastCheckSeconds
    }
}
