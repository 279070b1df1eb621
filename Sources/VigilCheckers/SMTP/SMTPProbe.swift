import NIOCore
import VigilCheck
import VigilConfig

/// SMTP_CHECK: every host (the `host { }` blocks, else the real server) must greet with 220 and
/// accept EHLO or HELO with 250. Hosts are checked one after the other, each bounded by its own
/// connect_timeout; the first failure ends the run.
public struct SMTPProbe: HealthProbe {
    public let endpoints: [ProbeEndpoint]
    public let heloName: String
    private let group: any EventLoopGroup

    public init(endpoints: [ProbeEndpoint], heloName: String, group: any EventLoopGroup) {
        self.endpoints = endpoints
        self.heloName = heloName
        self.group = group
    }

    /// The endpoints of an SMTP_CHECK: one per `host { }` (unset fields taken from the checker, then
    /// the real server), or the checker's own when it has none.
    public static func endpoints(check: SMTPCheck, realServer: RealServer) -> [ProbeEndpoint] {
        let own = ProbeEndpoint(connection: check.connection, realServer: realServer)
        return check.hosts.isEmpty ? [own] : check.hosts.map { host in
            ProbeEndpoint(
                address: host.connectIp?.value ?? own.address,
                port: host.connectPort?.value ?? own.port,
                bindAddress: host.bindto?.value ?? own.bindAddress,
                bindPort: host.bindPort?.value ?? own.bindPort,
                bindInterface: host.bindIf?.value ?? own.bindInterface,
                firewallMark: host.fwmark?.value ?? own.firewallMark,
                connectTimeout: own.connectTimeout)
        }
    }

    public func run() async -> CheckOutcome {
        guard !heloName.utf8.contains(where: { $0 < 0x20 || $0 == 0x7f }) else {
            return .failure(CheckFailure(.error, "helo_name contains control characters"))
        }
        guard !endpoints.isEmpty else { return .failure(CheckFailure(.error, "no host to check")) }
        let heloName = self.heloName
        for endpoint in endpoints {
            let result = await ProbeConnection.run(endpoint: endpoint, group: group, completion: .byHandlers) {
                (channel, exchange: NIOLoopBoundBox<ProbeExchange<Void>>) in
                try channel.pipeline.syncOperations.addHandler(SMTPDialogueHandler(heloName: heloName, exchange: exchange))
            }
            if case .failure(let failure) = result {
                return .failure(CheckFailure(failure.reason, "\(Self.describe(endpoint)): \(failure.detail)"))
            }
        }
        return .success
    }

    private static func describe(_ endpoint: ProbeEndpoint) -> String {
        endpoint.address.withPort(endpoint.port)
    }
}
