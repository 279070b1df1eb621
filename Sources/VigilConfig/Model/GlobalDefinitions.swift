import VigilCore

/// The `global_defs` block, grouped by purpose; encodes as one flat object keyed by keyword.
public struct GlobalDefinitions: Sendable, Encodable {
    /// router_id, notification mail and alert switches.
    public let notification: GlobalNotificationSettings
    /// notify_fifo, vrrp_notify_fifo, lvs_notify_fifo and their scripts.
    public let notifyFifos: GlobalNotifyFifoSettings
    /// script_user, enable_script_security, startup/shutdown scripts.
    public let scripts: GlobalScriptSettings
    /// Defaults and switches for every vrrp_instance (version, strict mode, multicast groups, ...).
    public let vrrp: GlobalVRRPDefaults
    /// Gratuitous ARP / unsolicited NA defaults.
    public let garp: GlobalGarpDefaults
    /// Scheduling of the VRRP and checker work.
    public let process: GlobalProcessSettings
    /// IPVS timeouts, sync daemon and flushing.
    public let lvs: GlobalLVSSettings
    /// Vigil's own keywords: HTTP listeners and the control socket.
    public let vigil: GlobalVigilSettings
    /// Vigil's own mail keywords: TLS, authentication, certificate trust.
    public let smtp: GlobalSMTPSettings
    /// The first `global_defs` keyword; nil when the file has none (everything is a default).
    public let location: SourceLocation?

    public func encode(to encoder: any Encoder) throws {
        try notification.encode(to: encoder)
        try notifyFifos.encode(to: encoder)
        try scripts.encode(to: encoder)
        try vrrp.encode(to: encoder)
        try garp.encode(to: encoder)
        try process.encode(to: encoder)
        try lvs.encode(to: encoder)
        try vigil.encode(to: encoder)
        try smtp.encode(to: encoder)
    }

    /// Reads the merged statements of every global_defs block (keepalived allows several).
    static func read(from reader: inout BlockReader, location: SourceLocation?, fileSystem: (any ConfigFileSystem)?) -> GlobalDefinitions {
        let notification = GlobalNotificationSettings.read(from: &reader)
        return GlobalDefinitions(
            notification: notification,
            notifyFifos: .read(from: &reader),
            scripts: .read(from: &reader),
            vrrp: .read(from: &reader),
            garp: .read(from: &reader),
            process: .read(from: &reader),
            lvs: .read(from: &reader),
            vigil: .read(from: &reader),
            smtp: .read(from: &reader, smtpPort: notification.smtpServer?.port.value, fileSystem: fileSystem),
            location: location)
    }
}
