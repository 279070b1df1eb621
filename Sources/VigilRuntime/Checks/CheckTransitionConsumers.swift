import Logging
import VigilCheck
import VigilConfig
import VigilTelemetry

/// A change the check engine reports: a real server up or down, or a virtual server's quorum.
enum CheckTransition: Sendable {
    /// `reason` is "checks passed" for up, the failing check's words for down; `detail` the log's.
    case realServer(identity: CheckIdentity, realServer: RealServer, virtualServer: VirtualServer, up: Bool, reason: String, detail: Logger.Metadata)
    case quorum(virtualServer: VirtualServer, label: String, gained: Bool, liveWeight: Int)
}

/// Reacts to check transitions. The check engine emits each once, in order, to its consumers
/// (metrics, the log, mail, LVS notify scripts, the event journal) and calls none of them itself.
protocol CheckTransitionConsumer: Sendable {
    func consume(_ transition: CheckTransition)
}

/// `vigil_real_server_transitions_total`.
struct CheckTransitionMetrics: CheckTransitionConsumer {
    let registry: MetricRegistry

    func consume(_ transition: CheckTransition) {
        guard case .realServer(let identity, _, _, let up, _, _) = transition else { return }
        registry.counter(
            CheckMetrics.realServerTransitionsTotal,
            RealServerTransitionLabels(virtualServer: identity.virtualServer, realServer: identity.realServer, to: up ? "up" : "down")
        ).increment()
    }
}

/// One log line per transition.
struct CheckTransitionLog: CheckTransitionConsumer {
    let logger: Logger

    /// The fields of every check log line: virtual server, real server and checker, then `extra`.
    static func metadata(_ identity: CheckIdentity, _ extra: Logger.Metadata) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "virtual_server": "\(identity.virtualServer)", "real_server": "\(identity.realServer)", "checker": "\(identity.checker)",
        ]
        metadata.merge(extra) { $1 }
        return metadata
    }

    func consume(_ transition: CheckTransition) {
        switch transition {
        case .realServer(let identity, _, _, let up, _, let detail):
            let metadata = Self.metadata(identity, detail)
            if up { logger.notice("real server is up", metadata: metadata) } else { logger.warning("real server is down", metadata: metadata) }
        case .quorum(_, let label, let gained, let weight):
            let metadata: Logger.Metadata = ["virtual_server": "\(label)", "live_weight": "\(weight)"]
            if gained {
                logger.notice("virtual server gained its quorum", metadata: metadata)
            } else {
                logger.warning("virtual server lost its quorum", metadata: metadata)
            }
        }
    }
}

extension LVSNotifier: CheckTransitionConsumer {
    /// notify_up/notify_down in order per real server; quorum_up/quorum_down per virtual server.
    func consume(_ transition: CheckTransition) {
        switch transition {
        case .realServer(let identity, let real, _, let up, _, _):
            guard let script = (up ? real.notifyUp : real.notifyDown)?.value else { return }
            run(script, keyword: up ? "notify_up" : "notify_down", virtualServer: identity.virtualServer, orderKey: CheckEngine.orderKey(identity))
        case .quorum(let server, let label, let gained, _):
            guard let script = (gained ? server.quorumUp : server.quorumDown)?.value else { return }
            run(script, keyword: gained ? "quorum_up" : "quorum_down", virtualServer: label, orderKey: "quorum \(label)")
        }
    }
}

extension MailAlerts: CheckTransitionConsumer {
    nonisolated func consume(_ transition: CheckTransition) {
        guard case .realServer(_, let real, let server, let up, let reason, _) = transition else { return }
        realServerChanged(MailSetup.realServerKey(real, of: server), up: up, reason: reason)
    }
}

extension EventJournal: CheckTransitionConsumer {
    func consume(_ transition: CheckTransition) {
        switch transition {
        case .realServer(let identity, _, _, let up, let reason, _):
            emit(.realServer(virtualServer: identity.virtualServer, realServer: identity.realServer, up: up, reason: reason))
        case .quorum(_, let label, let gained, let weight):
            emit(.quorum(virtualServer: label, gained: gained, liveWeight: weight))
        }
    }
}
