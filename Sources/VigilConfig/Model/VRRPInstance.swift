import VigilCore

/// One vrrp_instance: a virtual router (RFC 5798) on one interface, with the addresses it owns while MASTER.
///
/// Settings that global_defs can default (version, strict_mode, garp_*, ...) hold the effective value;
/// such a value has no location when it came from global_defs or keepalived's built-in default.
public struct VRRPInstance: Sendable, Encodable {
    public let name: String
    /// Where `vrrp_instance` is written.
    public let location: SourceLocation

    // MARK: Protocol

    /// The state to start in; every instance still waits for Master_Down unless it is the address owner.
    public let state: Located<VRRPInitialState>
    /// The interface adverts are sent on; may be omitted when unicast peers are configured.
    public let interface: Located<String>?
    /// VRID, 1-255; nil only when missing or invalid (an error was reported).
    public let virtualRouterId: Located<Int>?
    /// 1-255, 255 meaning the address owner; default 100.
    public let priority: Located<Int>
    /// The advertisement interval after keepalived's rounding (VRRPv2: whole seconds; VRRPv3: 10 ms steps).
    public let advertInt: Located<Seconds>
    /// The effective protocol version: `version`, else global_defs vrrp_version; IPv6 always uses 3.
    public let version: Located<VRRPVersion>
    /// IPv4 or IPv6, from the first virtual_ipaddress (or native_ipv6, the source address or the peers).
    public let family: AddressFamily
    /// VRRPv2 authentication; nil when absent or ignored (VRRPv3, strict mode).
    public let authentication: VRRPAuthentication?
    /// Preempt a lower-priority master (false after `nopreempt`; only honoured with state BACKUP).
    public let preempt: Located<Bool>
    /// Wait this long before preempting (0-1000 s; only honoured with state BACKUP).
    public let preemptDelay: Located<Seconds>
    /// Accept packets addressed to the VIPs when not the address owner (RFC 5798 Accept_Mode).
    public let accept: Located<Bool>
    /// Master_Down is this many advert intervals plus the skew time (RFC value 3).
    public let downTimerAdverts: Located<Int>
    /// Do not answer a lower-priority advert with an advert of our own (the RFC behaviour).
    public let lowerPrioNoAdvert: Located<Bool>
    /// Send one more advert before yielding to a higher-priority master.
    public let higherPrioSendAdvert: Located<Bool>
    /// Enforce RFC compliance (global_defs vrrp_strict when absent).
    public let strictMode: Located<Bool>
    /// Skip checking the addresses of adverts from the same master as the previous one.
    public let skipCheckAdvAddr: Located<Bool>
    /// Deprecated: force IPv6 when there are no VIPs to say so.
    public let nativeIpv6: Located<Bool>

    // MARK: Addresses

    /// The VIPs carried in adverts; all of one family.
    public let virtualIpaddress: [AddressSpec]
    /// Addresses added and removed with the VIPs but not advertised; may mix families.
    public let virtualIpaddressExcluded: [AddressSpec]
    public let virtualRoutes: [RouteSpec]
    public let virtualRules: [RuleSpec]
    /// Set promote_secondaries on the interface so removing one VIP keeps others of the same subnet.
    public let promoteSecondaries: Located<Bool>

    // MARK: Transport

    /// Source address of adverts (multicast or unicast; `unicast_src_ip` is the same setting).
    public let mcastSrcIp: Located<IPAddress>?
    public let unicastSrcIp: Located<IPAddress>?
    /// A multicast group other than 224.0.0.18 / ff02::12.
    public let mcastDstIp: Located<IPAddress>?
    /// Send adverts to these peers instead of the multicast group.
    public let unicastPeer: [UnicastPeer]
    /// TTL / hop limit of unicast adverts.
    public let unicastTtl: Located<Int>
    /// With no peers, stay in FAULT instead of falling back to multicast.
    public let unicastFaultNoPeer: Located<Bool>
    /// Accept unicast adverts only from a configured peer.
    public let checkUnicastSrc: Located<Bool>
    /// Go to FAULT when the configured source address is missing.
    public let trackSrcIp: Located<Bool>
    /// Socket receive buffer size in bytes.
    public let kernelRxBufSize: Located<Int>?

    // MARK: Virtual MAC

    /// Use a macvlan with the RFC virtual MAC (optionally named, optionally with another MAC).
    public let useVmac: Located<VirtualMACSetting>?
    /// Create a VMAC for every interface a VIP uses.
    public let useVmacAddr: Located<Bool>
    /// Send and receive adverts on the base interface rather than the VMAC.
    public let vmacXmitBase: Located<Bool>

    // MARK: Gratuitous ARP / unsolicited NA

    /// Delay before the second burst after becoming MASTER (0: no second burst).
    public let garpMasterDelay: Located<Seconds>
    public let garpMasterRepeat: Located<Int>
    public let garpLowerPrioDelay: Located<Seconds>
    public let garpLowerPrioRepeat: Located<Int>
    /// Resend gratuitous ARPs this often while MASTER (0: never).
    public let garpMasterRefresh: Located<Seconds>
    public let garpMasterRefreshRepeat: Located<Int>
    /// Periodic gratuitous ARPs on the other interfaces the VIPs use.
    public let garpExtraIf: GarpExtraInterfaces?

    // MARK: Tracking

    /// Do not go to FAULT when the instance's own interface goes down.
    public let dontTrackPrimary: Located<Bool>
    public let trackInterface: [TrackedObject]
    public let trackScript: [TrackedObject]
    public let trackFile: [TrackedObject]
    public let trackProcess: [TrackedObject]

    // MARK: Notification

    public let notifyMaster: ScriptInvocation?
    public let notifyBackup: ScriptInvocation?
    public let notifyFault: ScriptInvocation?
    public let notifyStop: ScriptInvocation?
    public let notifyDeleted: DeletedNotification?
    public let notify: ScriptInvocation?
    public let notifyMasterRxLowerPri: ScriptInvocation?
    /// Report priority changes on the notify FIFOs.
    public let notifyPriorityChanges: Located<Bool>
    /// Mail on state changes (global_defs smtp_alert / smtp_alert_vrrp when absent).
    public let smtpAlert: Located<Bool>

    public init(
        name: String, location: SourceLocation, state: Located<VRRPInitialState>, interface: Located<String>?,
        virtualRouterId: Located<Int>?, priority: Located<Int>, advertInt: Located<Seconds>,
        version: Located<VRRPVersion>, family: AddressFamily, authentication: VRRPAuthentication?,
        preempt: Located<Bool>, preemptDelay: Located<Seconds>, accept: Located<Bool>,
        downTimerAdverts: Located<Int>, lowerPrioNoAdvert: Located<Bool>, higherPrioSendAdvert: Located<Bool>,
        strictMode: Located<Bool>, skipCheckAdvAddr: Located<Bool>, nativeIpv6: Located<Bool>,
        virtualIpaddress: [AddressSpec], virtualIpaddressExcluded: [AddressSpec], virtualRoutes: [RouteSpec],
        virtualRules: [RuleSpec], promoteSecondaries: Located<Bool>, mcastSrcIp: Located<IPAddress>?,
        unicastSrcIp: Located<IPAddress>?, mcastDstIp: Located<IPAddress>?, unicastPeer: [UnicastPeer],
        unicastTtl: Located<Int>, unicastFaultNoPeer: Located<Bool>, checkUnicastSrc: Located<Bool>,
        trackSrcIp: Located<Bool>, kernelRxBufSize: Located<Int>?, useVmac: Located<VirtualMACSetting>?,
        useVmacAddr: Located<Bool>, vmacXmitBase: Located<Bool>, garpMasterDelay: Located<Seconds>,
        garpMasterRepeat: Located<Int>, garpLowerPrioDelay: Located<Seconds>, garpLowerPrioRepeat: Located<Int>,
        garpMasterRefresh: Located<Seconds>, garpMasterRefreshRepeat: Located<Int>,
        garpExtraIf: GarpExtraInterfaces?, dontTrackPrimary: Located<Bool>, trackInterface: [TrackedObject],
        trackScript: [TrackedObject], trackFile: [TrackedObject], trackProcess: [TrackedObject],
        notifyMaster: ScriptInvocation?, notifyBackup: ScriptInvocation?, notifyFault: ScriptInvocation?,
        notifyStop: ScriptInvocation?, notifyDeleted: DeletedNotification?, notify: ScriptInvocation?,
        notifyMasterRxLowerPri: ScriptInvocation?, notifyPriorityChanges: Located<Bool>, smtpAlert: Located<Bool>
    ) {
        self.name = name
        self.location = location
        self.state = state
        self.interface = interface
        self.virtualRouterId = virtualRouterId
        self.priority = priority
        self.advertInt = advertInt
        self.version = version
        self.family = family
        self.authentication = authentication
        self.preempt = preempt
        self.preemptDelay = preemptDelay
        self.accept = accept
        self.downTimerAdverts = downTimerAdverts
        self.lowerPrioNoAdvert = lowerPrioNoAdvert
        self.higherPrioSendAdvert = higherPrioSendAdvert
        self.strictMode = strictMode
        self.skipCheckAdvAddr = skipCheckAdvAddr
        self.nativeIpv6 = nativeIpv6
        self.virtualIpaddress = virtualIpaddress
        self.virtualIpaddressExcluded = virtualIpaddressExcluded
        self.virtualRoutes = virtualRoutes
        self.virtualRules = virtualRules
        self.promoteSecondaries = promoteSecondaries
        self.mcastSrcIp = mcastSrcIp
        self.unicastSrcIp = unicastSrcIp
        self.mcastDstIp = mcastDstIp
        self.unicastPeer = unicastPeer
        self.unicastTtl = unicastTtl
        self.unicastFaultNoPeer = unicastFaultNoPeer
        self.checkUnicastSrc = checkUnicastSrc
        self.trackSrcIp = trackSrcIp
        self.kernelRxBufSize = kernelRxBufSize
        self.useVmac = useVmac
        self.useVmacAddr = useVmacAddr
        self.vmacXmitBase = vmacXmitBase
        self.garpMasterDelay = garpMasterDelay
        self.garpMasterRepeat = garpMasterRepeat
        self.garpLowerPrioDelay = garpLowerPrioDelay
        self.garpLowerPrioRepeat = garpLowerPrioRepeat
        self.garpMasterRefresh = garpMasterRefresh
        self.garpMasterRefreshRepeat = garpMasterRefreshRepeat
        self.garpExtraIf = garpExtraIf
        self.dontTrackPrimary = dontTrackPrimary
        self.trackInterface = trackInterface
        self.trackScript = trackScript
        self.trackFile = trackFile
        self.trackProcess = trackProcess
        self.notifyMaster = notifyMaster
        self.notifyBackup = notifyBackup
        self.notifyFault = notifyFault
        self.notifyStop = notifyStop
        self.notifyDeleted = notifyDeleted
        self.notify = notify
        self.notifyMasterRxLowerPri = notifyMasterRxLowerPri
        self.notifyPriorityChanges = notifyPriorityChanges
        self.smtpAlert = smtpAlert
    }

    /// True when adverts go to unicast peers rather than the multicast group.
    public var isUnicast: Bool { !unicastPeer.isEmpty }

    /// The advert source address, whichever keyword set it.
    public var sourceIp: Located<IPAddress>? { unicastSrcIp ?? mcastSrcIp }

    /// The address owner (priority 255) never waits and never lowers its priority.
    public var isAddressOwner: Bool { priority.value == 255 }

    private enum CodingKeys: String, CodingKey {
        case name, state, interface, virtualRouterId, priority, advertInt, version, family, authentication
        case preempt, preemptDelay, accept, downTimerAdverts, lowerPrioNoAdvert, higherPrioSendAdvert, strictMode
        case skipCheckAdvAddr, nativeIpv6, virtualIpaddress, virtualIpaddressExcluded, virtualRoutes, virtualRules
        case promoteSecondaries, mcastSrcIp, unicastSrcIp, mcastDstIp, unicastPeer, unicastTtl, unicastFaultNoPeer
        case checkUnicastSrc, trackSrcIp, kernelRxBufSize, useVmac, useVmacAddr, vmacXmitBase, garpMasterDelay
        case garpMasterRepeat, garpLowerPrioDelay, garpLowerPrioRepeat, garpMasterRefresh, garpMasterRefreshRepeat
        case garpExtraIf, dontTrackPrimary, trackInterface, trackScript, trackFile, trackProcess, notifyMaster
        case notifyBackup, notifyFault, notifyStop, notifyDeleted, notify, notifyMasterRxLowerPri
        case notifyPriorityChanges, smtpAlert
    }
}

/// The `state` keyword: the state an instance starts in.
public enum VRRPInitialState: String, Sendable, Hashable, CaseIterable, Encodable {
    case master = "MASTER"
    case backup = "BACKUP"
}

/// The VRRP protocol version: 2 (RFC 3768, IPv4 only, whole-second adverts) or 3 (RFC 5798).
public enum VRRPVersion: Int, Sendable, Hashable, CaseIterable, Encodable {
    case v2 = 2
    case v3 = 3
}

/// VRRPv2 authentication (removed from the protocol by RFC 3768, kept for compatibility).
public struct VRRPAuthentication: Sendable, Hashable, Encodable {
    /// Where `authentication` is written.
    public let location: SourceLocation
    public let authType: Located<VRRPAuthType>
    /// At most 8 characters (longer passwords are cut, as keepalived does).
    public let authPass: Located<String>

    public init(location: SourceLocation, authType: Located<VRRPAuthType>, authPass: Located<String>) {
        self.location = location
        self.authType = authType
        self.authPass = authPass
    }

    private enum CodingKeys: String, CodingKey { case authType, authPass }
}

/// How adverts are authenticated: a clear-text password or IPsec AH (HMAC-MD5-96).
public enum VRRPAuthType: String, Sendable, Hashable, CaseIterable, Encodable {
    case pass = "PASS"
    case ah = "AH"
}

/// One unicast_peer line: a peer address and the TTL range accepted from it.
public struct UnicastPeer: Sendable, Hashable, Encodable {
    /// Where the address is written.
    public let location: SourceLocation
    public let address: IPAddress
    public let minTtl: Int?
    public let maxTtl: Int?

    public init(location: SourceLocation, address: IPAddress, minTtl: Int? = nil, maxTtl: Int? = nil) {
        self.location = location
        self.address = address
        self.minTtl = minTtl
        self.maxTtl = maxTtl
    }

    private enum CodingKeys: String, CodingKey { case address, minTtl, maxTtl }
}

/// `use_vmac [NAME] [MAC]`: the macvlan interface name and, when not the RFC one, its MAC address.
public struct VirtualMACSetting: Sendable, Hashable, Encodable {
    /// nil: keepalived's naming, vrrp.VRID.
    public let interfaceName: String?
    /// Six octets `aa:bb:cc:dd:ee:ff`, or five to which the VRID is appended; nil: 00:00:5e:00:01:VRID (or 02:VRID for IPv6).
    public let macAddress: String?

    public init(interfaceName: String?, macAddress: String?) {
        self.interfaceName = interfaceName
        self.macAddress = macAddress
    }
}
