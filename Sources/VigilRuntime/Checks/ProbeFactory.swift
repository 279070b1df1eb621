import NIOCore
import VigilCheck
import VigilCheckers
import VigilConfig
import VigilPlatform

/// Turns each configured checker into its probe; the only place that knows every checker kind.
struct ProbeFactory: Sendable {
    let group: any EventLoopGroup
    let trackFiles: [String: TrackedFile]
    let heloName: String
    /// script_user and enable_script_security for MISC_CHECK, resolved once for every checker.
    let scripts: ScriptUserPolicy

    init(configuration: Configuration, group: any EventLoopGroup) {
        self.group = group
        var files: [String: TrackedFile] = [:]
        for file in configuration.tracking.vrrpTrackFiles { files[file.name.value] = file }
        trackFiles = files
        let global = configuration.global.globalDefs
        heloName = global.notification.smtpHeloName?.value ?? Self.hostName()
        scripts = ScriptUserPolicy(global.scripts)
    }

    func probe(for checker: Checker, realServer: RealServer, virtualServer: VirtualServer) -> any HealthProbe {
        switch checker {
        case .tcp(let check):
            // A connect per check on one epoll thread, as keepalived does: about a tenth of the CPU
            // of a NIO channel per check, which 10,000 real servers a second need.
            return FastTCPProbe(endpoint: ProbeEndpoint(connection: check.connection, realServer: realServer))
        case .http(let check):
            return HTTPProbe(
                endpoint: ProbeEndpoint(connection: check.connection, realServer: realServer), check: check, tls: false, group: group)
        case .ssl(let check):
            return HTTPProbe(
                endpoint: ProbeEndpoint(connection: check.connection, realServer: realServer), check: check, tls: true, group: group)
        case .smtp(let check):
            return SMTPProbe(endpoints: SMTPProbe.endpoints(check: check, realServer: realServer), heloName: heloName, group: group)
        case .dns(let check):
            return DNSProbe(endpoint: ProbeEndpoint(connection: check.connection, realServer: realServer), check: check, group: group)
        case .udp(let check):
            return UDPProbe(endpoint: ProbeEndpoint(connection: check.connection, realServer: realServer), check: check, group: group)
        case .ping(let check):
            return PingProbe(endpoint: ProbeEndpoint(connection: check.connection, realServer: realServer), group: group)
        case .misc(let check):
            return MiscProbe(check: check, policy: scripts)
        case .file(let check):
            guard let file = trackFiles[check.trackFile.value] else {
                return FailingProbe(failure: CheckFailure(.file, "track_file \(check.trackFile.value) is not defined"))
            }
            return FileProbe(check: check, trackedFile: file, realServerWeight: realServer.weight.value)
        }
    }

    /// The host name for SMTP HELO and mail; "localhost" when it cannot be read.
    static func hostName() -> String { ConfigCheck.hostName() ?? "localhost" }
}

/// A checker that cannot run as configured: it fails every time, saying why.
struct FailingProbe: HealthProbe {
    let failure: CheckFailure
    func run() async -> CheckOutcome { .failure(failure) }
}
