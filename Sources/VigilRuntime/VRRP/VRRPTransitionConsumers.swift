import Logging
import VigilTelemetry
import VigilVRRP

/// One VRRP state change, with what every consumer needs: the instance's plan, the effective
/// priority, the cause in operator terms and the wall time.
struct VRRPTransitionRecord: Sendable {
    let plan: VRRPInstancePlan
    let transition: VRRPTransition
    let priority: Int
    let cause: String
    /// Seconds since the epoch.
    let at: Double
}

/// Reacts to VRRP transitions. The engine emits each transition once, in order, to its consumers
/// (metrics, the log, notify scripts, mail, the event journal) and calls none of them itself.
/// `consume` runs on the engine's loop: it must hand work off, never wait.
protocol VRRPTransitionConsumer: Sendable {
    func consume(_ record: VRRPTransitionRecord)
}

/// `vigil_vrrp_state`, `vigil_vrrp_transitions_total` and the last transition's time.
struct VRRPTransitionMetrics: VRRPTransitionConsumer {
    let registry: MetricRegistry

    func consume(_ record: VRRPTransitionRecord) {
        let (plan, transition) = (record.plan, record.transition)
        VRRPEngine.publishState(transition.to, of: plan, registry: registry)
        registry.counter(
            VRRPMetrics.transitionsTotal,
            VRRPTransitionLabels(vrrpInstance: plan.name, from: transition.from.rawValue, to: transition.to.rawValue, reason: transition.reason.rawValue)
        ).increment()
        registry.gauge(VRRPMetrics.lastTransitionTimestamp, VRRPInstanceLabels(vrrpInstance: plan.name)).set(record.at)
    }
}

/// One log line per transition, with its cause.
struct VRRPTransitionLog: VRRPTransitionConsumer {
    let logger: Logger

    func consume(_ record: VRRPTransitionRecord) {
        let transition = record.transition
        logger.notice(
            "vrrp transition",
            metadata: [
                "vrrp_instance": "\(record.plan.name)", "from": "\(transition.from.rawValue)", "to": "\(transition.to.rawValue)",
                "reason": "\(transition.reason.rawValue)", "cause": "\(record.cause)",
            ])
    }
}

extension NotifyRunner: VRRPTransitionConsumer {
    /// The instance's notify scripts for this transition, queued in order.
    func consume(_ record: VRRPTransitionRecord) {
        enqueue(record.plan.notify.runs(for: record.transition, priority: record.priority), instance: record.plan.name)
    }
}

extension MailAlerts: VRRPTransitionConsumer {
    nonisolated func consume(_ record: VRRPTransitionRecord) {
        let transition = record.transition
        vrrpTransition(
            instance: record.plan.name, from: transition.from.rawValue, to: transition.to.rawValue, reason: transition.reason.rawValue,
            priority: record.priority)
    }
}

extension EventJournal: VRRPTransitionConsumer {
    func consume(_ record: VRRPTransitionRecord) {
        let transition = record.transition
        emit(
            .vrrpTransition(
                instance: record.plan.name, from: transition.from.rawValue, to: transition.to.rawValue,
                reason: transition.reason.rawValue, cause: record.cause))
    }
}
