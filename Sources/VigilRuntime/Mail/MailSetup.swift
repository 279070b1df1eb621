import VigilCheck
import VigilConfig
import VigilCore
import VigilMail
import VigilMailer

/// Everything the mail alerts need from the configuration, resolved once at start.
struct MailSetup: Sendable {
    let sender: AlertSender
    let server: SMTPServerSettings
    let vrrpRules: VRRPAlertRules
    /// Per vrrp_instance: its VIPs and interface, for the body.
    let instanceFacts: [String: [AlertFact]]
    /// Per vrrp_instance: the configured priority, shown next to the effective one.
    let configuredPriority: [String: Int]
    /// Per real server subject: whether its UP/DOWN changes are mailed.
    let realServerMails: [RealServerAlertKey: Bool]

    /// The mail setup, or nil when the configuration sends no mail: no smtp_server, no recipient,
    /// or no smtp_alert switched on anywhere.
    static func make(_ configuration: Configuration, hostName: String, version: String) -> MailSetup? {
        let notification = configuration.global.globalDefs.notification
        let smtp = configuration.global.globalDefs.smtp
        guard let server = notification.smtpServer, !notification.notificationEmail.isEmpty else { return nil }
        let groupOf = Dictionary(
            configuration.vrrp.vrrpSyncGroups.flatMap { group in group.group.map { ($0.value, group.name) } },
            uniquingKeysWith: { first, _ in first })
        var instances: [String: VRRPAlertRules.Instance] = [:]
        var facts: [String: [AlertFact]] = [:]
        var priorities: [String: Int] = [:]
        for instance in configuration.vrrp.vrrpInstances {
            instances[instance.name] = VRRPAlertRules.Instance(mails: instance.smtpAlert.value, group: groupOf[instance.name])
            facts[instance.name] = [
                AlertFact("VIPs", instance.virtualIpaddress.map { "\($0.address)" }.joined(separator: ", ")),
                AlertFact("Interface", instance.interface?.value ?? "(unicast only)"),
            ]
            priorities[instance.name] = instance.priority.value
        }
        var groups: [String: VRRPAlertRules.Group] = [:]
        for group in configuration.vrrp.vrrpSyncGroups {
            groups[group.name] = VRRPAlertRules.Group(members: group.group.map(\.value), mails: group.smtpAlert.value)
        }
        let rules = VRRPAlertRules(instances: instances, groups: groups, noEmailFaults: notification.noEmailFaults.value)
        var realServerMails: [RealServerAlertKey: Bool] = [:]
        let checkerDefault = notification.checkerAlertsByDefault && !notification.noCheckerEmails.value
        for virtualServer in configuration.lvs.virtualServers {
            for real in virtualServer.realServers {
                let key = realServerKey(real, of: virtualServer)
                let explicit = real.smtpAlert?.value ?? virtualServer.smtpAlert?.value
                realServerMails[key] = (explicit ?? checkerDefault) && !notification.noCheckerEmails.value
            }
        }
        guard rules.anyMail || realServerMails.values.contains(true) else { return nil }
        let routerId = notification.routerId?.value ?? hostName
        let sender = AlertSender(
            routerId: routerId, hostName: hostName,
            from: notification.notificationEmailFrom?.value ?? "keepalived@\(hostName)",
            recipients: notification.notificationEmail.map(\.value), version: version)
        let credentials = smtp.vigilSmtpAuthUser.flatMap { user in
            smtp.password.map { SMTPCredentials(user: user.value, password: $0.value) }
        }
        let settings = SMTPServerSettings(
            host: server.host.value, port: server.port.value, heloName: notification.smtpHeloName?.value ?? hostName,
            tls: SMTPTLSMode(rawValue: smtp.vigilSmtpTls.value.rawValue) ?? .none, credentials: credentials,
            caFile: smtp.vigilSmtpCaFile?.value, verifyCertificate: smtp.vigilSmtpVerifyCertificate.value,
            connectTimeout: .microseconds(notification.smtpConnectTimeout.value.microseconds))
        return MailSetup(
            sender: sender, server: settings, vrrpRules: rules, instanceFacts: facts, configuredPriority: priorities,
            realServerMails: realServerMails)
    }

    /// The subject of a real server's mail, as keepalived names it.
    static func realServerKey(_ real: RealServer, of virtualServer: VirtualServer) -> RealServerAlertKey {
        RealServerAlertKey(
            address: "\(real.address.value)", transport: virtualServer.protocol.value.rawValue.lowercased(),
            port: real.port.value, virtualServer: CheckIdentity.label(of: virtualServer))
    }

    /// Why a real server went down, for the mail body.
    static func downReason(_ outcome: CheckOutcome) -> String {
        guard case .failure(let failure) = outcome else { return "checks failed" }
        return failure.detail.isEmpty ? failure.reason.rawValue : "\(failure.reason.rawValue): \(failure.detail)"
    }
}
