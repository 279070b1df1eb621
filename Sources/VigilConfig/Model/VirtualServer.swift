import VigilCore

/// One IPVS service (`virtual_server`) with its scheduling settings, quorum handling and real servers.
///
/// Settings that real servers and checkers inherit (delay_loop, connect_timeout, retry, ...) are kept
/// here as written; each real server and checker carries its own effective value.
public struct VirtualServer: Sendable, Encodable {
    public let location: SourceLocation
    public let target: VirtualServerTarget

    // Scheduling.
    public let lvsSched: Located<LVSScheduler>
    public let schedulerFlags: [Located<LVSSchedulerFlag>]
    /// `ops`: one-packet scheduling (UDP only).
    public let ops: Located<Bool>
    public let lvsMethod: Located<LVSMethod>
    public let tunnel: Located<LVSTunnel>?
    /// keepalived's default is UDP; fwmark services ignore it (a mark matches every protocol).
    public let `protocol`: Located<LVSProtocol>
    public let ipFamily: Located<LVSAddressFamily>?

    // Persistence.
    /// Seconds; nil when the service is not persistent.
    public let persistenceTimeout: Located<Int>?
    /// The client netmask as a prefix length (written as a netmask for IPv4, a length for IPv6).
    public let persistenceGranularity: Located<Int>?
    public let persistenceEngine: Located<String>?

    // Health checking defaults for real servers and checkers.
    public let delayLoop: Located<Seconds>
    public let connectTimeout: Located<Seconds>
    public let retry: Located<Int>?
    public let delayBeforeRetry: Located<Seconds>?
    public let warmup: Located<Seconds>?
    public let inhibitOnFailure: Located<Bool>
    public let alpha: Located<Bool>
    public let omega: Located<Bool>
    public let haSuspend: Located<Bool>
    public let virtualhost: Located<String>?
    /// nil: take global_defs' smtp_alert_checker/smtp_alert, else off.
    public let smtpAlert: Located<Bool>?
    /// The weight of real servers that set none (undocumented in the manual, accepted by keepalived).
    public let weight: Located<Int>

    // Quorum.
    public let quorum: Located<Int>
    public let hysteresis: Located<Int>
    public let quorumUp: Located<LVSNotifyScript>?
    public let quorumDown: Located<LVSNotifyScript>?
    public let sorryServer: SorryServer?

    public let realServers: [RealServer]

    private enum CodingKeys: String, CodingKey {
        case lvsSched, schedulerFlags, ops, lvsMethod, tunnel, ipFamily
        case serviceProtocol = "protocol"
        case persistenceTimeout, persistenceGranularity, persistenceEngine
        case delayLoop, connectTimeout, retry, delayBeforeRetry, warmup, inhibitOnFailure, alpha, omega, haSuspend
        case virtualhost, smtpAlert, weight, quorum, hysteresis, quorumUp, quorumDown, sorryServer, realServers
    }

    /// Flattens the target (`address`/`port`, `fwmark` or `group`) into the server's own object.
    public func encode(to encoder: any Encoder) throws {
        try target.encode(into: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(lvsSched, forKey: .lvsSched)
        try container.encode(schedulerFlags, forKey: .schedulerFlags)
        try container.encode(ops, forKey: .ops)
        try container.encode(lvsMethod, forKey: .lvsMethod)
        try container.encodeIfPresent(tunnel, forKey: .tunnel)
        try container.encode(self.protocol, forKey: .serviceProtocol)
        try container.encodeIfPresent(ipFamily, forKey: .ipFamily)
        try container.encodeIfPresent(persistenceTimeout, forKey: .persistenceTimeout)
        try container.encodeIfPresent(persistenceGranularity, forKey: .persistenceGranularity)
        try container.encodeIfPresent(persistenceEngine, forKey: .persistenceEngine)
        try container.encode(delayLoop, forKey: .delayLoop)
        try container.encode(connectTimeout, forKey: .connectTimeout)
        try container.encodeIfPresent(retry, forKey: .retry)
        try container.encodeIfPresent(delayBeforeRetry, forKey: .delayBeforeRetry)
        try container.encodeIfPresent(warmup, forKey: .warmup)
        try container.encode(inhibitOnFailure, forKey: .inhibitOnFailure)
        try container.encode(alpha, forKey: .alpha)
        try container.encode(omega, forKey: .omega)
        try container.encode(haSuspend, forKey: .haSuspend)
        try container.encodeIfPresent(virtualhost, forKey: .virtualhost)
        try container.encodeIfPresent(smtpAlert, forKey: .smtpAlert)
        try container.encode(weight, forKey: .weight)
        try container.encode(quorum, forKey: .quorum)
        try container.encode(hysteresis, forKey: .hysteresis)
        try container.encodeIfPresent(quorumUp, forKey: .quorumUp)
        try container.encodeIfPresent(quorumDown, forKey: .quorumDown)
        try container.encodeIfPresent(sorryServer, forKey: .sorryServer)
        try container.encode(realServers, forKey: .realServers)
    }

    /// The address family the service uses: its own address's, else `ip_family`, else that of its
    /// non-tunnelled real servers; nil when nothing decides it (keepalived then uses IPv4).
    public var addressFamily: AddressFamily? {
        if let family = target.addressFamily { return family }
        if let ipFamily { return ipFamily.value.addressFamily }
        return realServers.first { $0.lvsMethod.value != .tun }?.address.value.family
    }

    /// The sum of the real servers' configured weights, which quorum is measured against; a repeated
    /// real server (same address and port) counts once, as keepalived drops the repeat.
    public var totalWeight: Int {
        var seen: Set<String> = []
        return realServers.reduce(0) { total, server in
            seen.insert("\(server.address.value) \(server.port.value)").inserted ? total + server.weight.value : total
        }
    }
}
