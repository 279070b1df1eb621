/// What the engines tell the operator happened, typed. The event journal (`GET /events`,
/// `vigilctl events`) is its consumer; each case says what moved and why.
public enum VigilEvent: Sendable, Equatable {
    /// A vrrp_instance changed state; `cause` says why in operator terms (`VRRPTransitionCause`).
    case vrrpTransition(instance: String, from: String, to: String, reason: String, cause: String)
    /// The first gratuitous ARP / unsolicited NA burst for an instance's addresses went out.
    case announced(instance: String, addresses: Int, packets: Int)
    /// A notify script of an instance ended (or could not start).
    case notifyScript(instance: String, keyword: String, outcome: String)
    /// A real server went up or down.
    case realServer(virtualServer: String, realServer: String, up: Bool, reason: String)
    /// A virtual server gained or lost its quorum.
    case quorum(virtualServer: String, gained: Bool, liveWeight: Int)
    /// A reload was applied, or refused with its first error.
    case reload(file: String, accepted: Bool, detail: String)
    /// The kernel refused an IPVS operation.
    case ipvsRefused(operation: String, error: String)

    /// The journal's `kind`, `subject`, one-line message and fields.
    var record: (kind: String, subject: String, message: String, fields: [String: String]) {
        switch self {
        case .vrrpTransition(let instance, let from, let to, let reason, let cause):
            return ("vrrp_transition", instance, "\(from.uppercased()) → \(to.uppercased()): \(cause)",
                    ["from": from, "to": to, "reason": reason, "cause": cause])
        case .announced(let instance, let addresses, let packets):
            return ("announcement", instance, "first gratuitous ARP/NA burst sent: \(packets) packets for \(addresses) addresses",
                    ["addresses": "\(addresses)", "packets": "\(packets)"])
        case .notifyScript(let instance, let keyword, let outcome):
            return ("notify_script", instance, "\(keyword) ended: \(outcome)", ["notify": keyword, "outcome": outcome])
        case .realServer(let virtualServer, let realServer, let up, let reason):
            return ("real_server", "\(virtualServer) \(realServer)", "\(up ? "up" : "down"): \(reason)",
                    ["virtual_server": virtualServer, "real_server": realServer, "state": up ? "up" : "down", "reason": reason])
        case .quorum(let virtualServer, let gained, let liveWeight):
            return ("quorum", virtualServer, "\(gained ? "gained" : "lost") its quorum (live weight \(liveWeight))",
                    ["state": gained ? "up" : "down", "live_weight": "\(liveWeight)"])
        case .reload(let file, let accepted, let detail):
            return ("reload", file, "\(accepted ? "applied" : "refused"): \(detail)", ["accepted": "\(accepted)", "detail": detail])
        case .ipvsRefused(let operation, let error):
            return ("ipvs_refused", operation, "the kernel refused it: \(error)", ["operation": operation, "error": error])
        }
    }
}
