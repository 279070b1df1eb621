import VigilCore

/// The global_defs settings a vrrp_instance or vrrp_sync_group starts from, with keepalived's
/// built-in defaults for whatever global_defs does not set.
struct VRRPDefaults {
    var version: VRRPVersion = .v2
    var strict = false
    var checkUnicastSrc = false
    var skipCheckAdvAddr = false
    var lowerPrioNoAdvert = false
    var higherPrioSendAdvert = false
    var downTimerAdverts = 3
    var garpMasterDelay = Seconds(5)
    var garpMasterRepeat = 5
    var garpLowerPrioDelay = Seconds(5)
    var garpLowerPrioRepeat = 5
    var garpMasterRefresh = Seconds(0)
    var garpMasterRefreshRepeat = 1
    var garpExtraIf: GarpExtraInterfaces?
    var notifyPriorityChanges = false
    var smtpAlert = false
    /// The device of static addresses and routes that name none.
    var defaultInterface = "eth0"

    init() {}

    /// Takes each value global_defs provides; the global model holds its own defaults already.
    init(vrrp: GlobalVRRPDefaults?, garp: GlobalGarpDefaults?, smtpAlert: Located<Bool>?, smtpAlertVrrp: Located<Bool>?,
         notifyPriorityChanges: Located<Bool>?) {
        if let vrrp {
            version = VRRPVersion(rawValue: vrrp.vrrpVersion.value) ?? .v2
            strict = vrrp.vrrpStrict.value
            checkUnicastSrc = vrrp.vrrpCheckUnicastSrc.value
            skipCheckAdvAddr = vrrp.vrrpSkipCheckAdvAddr.value
            lowerPrioNoAdvert = vrrp.vrrpLowerPrioNoAdvert.value
            higherPrioSendAdvert = vrrp.vrrpHigherPrioSendAdvert.value
            downTimerAdverts = vrrp.vrrpDownTimerAdverts.value
            defaultInterface = vrrp.defaultInterface.value
        }
        if let garp {
            garpMasterDelay = garp.vrrpGarpMasterDelay.value
            garpMasterRepeat = garp.vrrpGarpMasterRepeat.value
            garpLowerPrioDelay = garp.vrrpGarpLowerPrioDelay.value
            garpLowerPrioRepeat = garp.vrrpGarpLowerPrioRepeat.value
            garpMasterRefresh = garp.vrrpGarpMasterRefresh.value
            garpMasterRefreshRepeat = garp.vrrpGarpMasterRefreshRepeat.value
            garpExtraIf = garp.vrrpGarpExtraIf
        }
        // smtp_alert_vrrp overrides smtp_alert for VRRP; neither set means no mail.
        self.smtpAlert = smtpAlertVrrp?.value ?? smtpAlert?.value ?? false
        self.notifyPriorityChanges = notifyPriorityChanges?.value ?? false
    }

    init(global: GlobalSection?) {
        guard let definitions = global?.globalDefs else {
            self.init()
            return
        }
        self.init(
            vrrp: definitions.vrrp, garp: definitions.garp, smtpAlert: definitions.notification.smtpAlert,
            smtpAlertVrrp: definitions.notification.smtpAlertVrrp,
            notifyPriorityChanges: definitions.notifyFifos.vrrpNotifyPriorityChanges)
    }
}
