import VigilCore

/// global_defs and the top-level daemon keywords (net_namespace, instance, child_wait_time, ...).
///
/// Other sections read their defaults from here, e.g. `global.globalDefs.vrrp.vrrpVersion`,
/// `global.globalDefs.garp`, `global.globalDefs.scripts.scriptUser`.
public struct GlobalSection: Sendable, Encodable {
    /// The `global_defs` block; all defaults when the file has none.
    public let globalDefs: GlobalDefinitions
    /// The top-level daemon keywords.
    public let daemon: GlobalDaemonSettings

    public static let unsupportedKeywords: [UnsupportedKeyword] = GlobalUnsupportedKeywords.list

    /// Reads this section's top-level keywords from `top`.
    public static func read(from top: inout BlockReader, context: BuildContext) -> GlobalSection {
        let sink = context.sink
        let daemon = GlobalDaemonSettings.read(from: &top)
        let blocks = top.blocks("global_defs")
        for block in blocks {
            if let extra = block.arguments.first {
                sink.warning("'global_defs' takes no name; '\(extra.text)' ignored", at: extra.location, keyword: "global_defs")
            }
        }
        var reader = BlockReader(
            blocks.flatMap { $0.children ?? [] }, context: "global_defs", location: blocks.first?.location ?? top.location, sink: sink)
        let definitions = GlobalDefinitions.read(from: &reader, location: blocks.first?.location, fileSystem: context.fileSystem)
        reader.finish(unsupported: UnsupportedKeyword.table(for: "global_defs", in: unsupportedKeywords))
        return GlobalSection(globalDefs: definitions, daemon: daemon)
    }

    /// Cross-checks after every section was read (references between blocks and the like).
    public static func validate(_ configuration: Configuration, sink: DiagnosticSink) {
        let definitions = configuration.global.globalDefs
        checkMailSetup(definitions.notification, sink: sink)
        checkStrictMode(definitions.vrrp, sink: sink)
        checkSyncDaemonInstance(definitions.lvs.lvsSyncDaemon, vrrp: configuration.vrrp, sink: sink)
    }

    /// keepalived drops the sync daemon settings when the instance it should follow does not exist.
    private static func checkSyncDaemonInstance(_ daemon: LVSSyncDaemon?, vrrp: VRRPSection, sink: DiagnosticSink) {
        guard let daemon, let inst = daemon.inst, vrrp.instance(named: inst.value) == nil else { return }
        let names = vrrp.vrrpInstances.map(\.name)
        let hint = Suggestion.closest(to: inst.value, among: names).map { "did you mean '\($0)'?" }
        sink.warning(
            "lvs_sync_daemon follows '\(inst.value)', which is not a vrrp_instance; the sync daemon is not started",
            at: inst.location ?? daemon.location, expected: "the name of a vrrp_instance",
            hint: hint, keyword: "lvs_sync_daemon")
    }

    /// Alerts switched on globally but nowhere to send them: keepalived carries on and sends nothing.
    private static func checkMailSetup(_ mail: GlobalNotificationSettings, sink: DiagnosticSink) {
        let switches = [mail.smtpAlert, mail.smtpAlertVrrp, mail.smtpAlertChecker].compactMap { $0 }
        guard let enabled = switches.first(where: { $0.value }), let location = enabled.location else { return }
        if mail.smtpServer == nil {
            sink.warning(
                "smtp alerts are switched on but global_defs has no smtp_server; no mail will be sent", at: location,
                expected: "'smtp_server HOST [PORT]' in global_defs", keyword: "smtp_server")
        } else if mail.notificationEmail.isEmpty {
            sink.warning(
                "smtp alerts are switched on but global_defs has no notification_email; no mail will be sent", at: location,
                expected: "'notification_email { ADDRESS ... }' in global_defs", keyword: "notification_email")
        }
    }

    /// vrrp_strict overrides these two, so an explicit setting the other way is misleading.
    private static func checkStrictMode(_ vrrp: GlobalVRRPDefaults, sink: DiagnosticSink) {
        guard vrrp.vrrpStrict.value else { return }
        if let location = vrrp.vrrpLowerPrioNoAdvert.location, !vrrp.vrrpLowerPrioNoAdvert.value {
            sink.warning(
                "vrrp_lower_prio_no_advert cannot be switched off with vrrp_strict; it stays on", at: location,
                expected: "vrrp_lower_prio_no_advert on, or no vrrp_strict", keyword: "vrrp_lower_prio_no_advert")
        }
        if let location = vrrp.vrrpHigherPrioSendAdvert.location, vrrp.vrrpHigherPrioSendAdvert.value {
            sink.warning(
                "vrrp_higher_prio_send_advert cannot be used with vrrp_strict; it stays off", at: location,
                expected: "vrrp_higher_prio_send_advert off, or no vrrp_strict", keyword: "vrrp_higher_prio_send_advert")
        }
    }
}
