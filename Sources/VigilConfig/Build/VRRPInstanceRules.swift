import VigilCore

/// keepalived's adjustments and checks for one vrrp_instance, each as a function of the values read.
struct VRRPInstanceRules {
    /// "vrrp_instance NAME", for messages.
    let context: String
    /// Where `vrrp_instance` is written.
    let location: SourceLocation
    let sink: DiagnosticSink

    /// The authentication block as written.
    struct AuthenticationInput {
        let location: SourceLocation
        let authType: Located<VRRPAuthType>?
        let authPass: Located<String>?
        /// auth_type was written, even if its value was invalid (already reported).
        let authTypeGiven: Bool
    }

    // MARK: Family and version

    /// The first VIP decides; without VIPs, native_ipv6, then the source address, then the peers.
    func family(vips: [AddressSpec], nativeIpv6: Located<Bool>, sourceIp: Located<IPAddress>?, peers: [UnicastPeer]) -> AddressFamily {
        if nativeIpv6.value { return .ipv6 }
        if let first = vips.first { return first.family }
        if let sourceIp { return sourceIp.value.family }
        return peers.first?.address.family ?? .ipv4
    }

    /// Adverts list addresses of one family: the first address of the other family is an error, and such addresses are dropped.
    func sameFamily(_ vips: [AddressSpec], family: AddressFamily) -> [AddressSpec] {
        if let stranger = vips.first(where: { $0.family != family }) {
            let reason = vips.first?.family == family ? "the first virtual_ipaddress is \(Self.name(family))" : "native_ipv6 is set"
            sink.error(
                "virtual_ipaddress \(stranger.address) is \(Self.name(stranger.family)), but \(reason); one instance cannot mix IPv4 and IPv6",
                at: stranger.location, expected: "only \(Self.name(family)) addresses in virtual_ipaddress",
                hint: "put addresses of the other family in virtual_ipaddress_excluded, or in a second vrrp_instance",
                keyword: "virtual_ipaddress")
        }
        return vips.filter { $0.family == family }
    }

    /// The same address twice is added once; say so.
    func duplicateAddresses(_ addresses: [AddressSpec]) {
        var seen: [IPAddress: SourceLocation] = [:]
        for spec in addresses {
            if let first = seen[spec.address.address] {
                sink.warning(
                    "address \(spec.address.address) is listed twice in \(context); the entry on line \(first.line) is used",
                    at: spec.location, keyword: "virtual_ipaddress")
            } else {
                seen[spec.address.address] = spec.location
            }
        }
    }

    /// `version`, else global_defs vrrp_version; IPv6 needs VRRPv3 (RFC 5798), so 3 wins over an explicit 2.
    func version(requested: Located<VRRPVersion>?, family: AddressFamily, defaults: VRRPDefaults) -> Located<VRRPVersion> {
        guard let requested else { return .defaulted(family == .ipv6 ? .v3 : defaults.version) }
        if family == .ipv6 && requested.value == .v2 {
            sink.warning(
                "\(context) has IPv6 addresses, which VRRPv2 cannot carry; version 3 is used", at: requested.location ?? location,
                expected: "'version 3' (or no version) for IPv6", keyword: "version")
            return Located(.v3, at: requested.location)
        }
        return requested
    }

    /// VRRPv2 sends whole seconds (rounded as keepalived does); VRRPv3 sends centiseconds up to 40.95 s.
    func advertInt(_ read: Located<Seconds>?, version: VRRPVersion) -> Located<Seconds> {
        guard let read else { return .defaulted(Seconds(1)) }
        let microseconds = read.value.microseconds
        let at = read.location ?? location
        switch version {
        case .v2:
            guard microseconds % 1_000_000 != 0 else { return read }
            let rounded = max(1, (microseconds + 500_000) / 1_000_000)
            sink.warning(
                "advert_int \(read.value.seconds) is not a whole number of seconds, which VRRPv2 needs; \(rounded) is used",
                at: at, expected: "whole seconds from 1 to 255 with VRRPv2, or 'version 3' for fractions", keyword: "advert_int")
            return Located(Seconds(microseconds: rounded * 1_000_000), at: read.location)
        case .v3:
            if microseconds > 40_950_000 {
                sink.warning(
                    "advert_int \(read.value.seconds) is too long for VRRPv3; 40.95 is used", at: at,
                    expected: "0.01 to 40.95 seconds with VRRPv3", keyword: "advert_int")
                return Located(Seconds(microseconds: 40_950_000), at: read.location)
            }
            guard microseconds % 10_000 != 0 else { return read }
            let rounded = Seconds(microseconds: max(1, (microseconds + 5_000) / 10_000) * 10_000)
            sink.warning(
                "advert_int \(read.value.seconds) is not a multiple of 10 ms, which VRRPv3 needs; \(rounded.seconds) is used",
                at: at, expected: "0.01 to 40.95 seconds in steps of 0.01 with VRRPv3", keyword: "advert_int")
            return Located(rounded, at: read.location)
        }
    }

    // MARK: Authentication

    func authentication(_ input: AuthenticationInput?, version: VRRPVersion, strict: Bool) -> VRRPAuthentication? {
        guard let input else { return nil }
        guard input.authTypeGiven else {
            sink.warning(
                "authentication in \(context) has no auth_type and is ignored", at: input.location,
                expected: "'auth_type PASS' or 'auth_type AH'", keyword: "auth_type")
            return nil
        }
        guard let authType = input.authType else { return nil }
        if version == .v3 {
            sink.warning(
                "VRRPv3 has no authentication; the authentication block of \(context) is ignored", at: input.location,
                expected: "no authentication block with version 3", keyword: "authentication")
            return nil
        }
        if strict {
            sink.warning(
                "strict mode does not allow authentication; the authentication block of \(context) is ignored",
                at: input.location, expected: "no authentication block with strict_mode or vrrp_strict", keyword: "authentication")
            return nil
        }
        guard let pass = input.authPass else {
            sink.warning(
                "authentication in \(context) has no auth_pass; an empty password is used", at: input.location,
                expected: "'auth_pass' with up to 8 characters", keyword: "auth_pass")
            return VRRPAuthentication(location: input.location, authType: authType, authPass: .defaulted(""))
        }
        guard pass.value.utf8.count > 8 else {
            return VRRPAuthentication(location: input.location, authType: authType, authPass: pass)
        }
        sink.warning(
            "auth_pass is longer than 8 characters; only the first 8 are used", at: pass.location ?? input.location,
            expected: "a password of at most 8 characters", keyword: "auth_pass")
        let cut = String(decoding: pass.value.utf8.prefix(8), as: UTF8.self)
        return VRRPAuthentication(location: input.location, authType: authType, authPass: Located(cut, at: pass.location))
    }

    // MARK: State and preemption

    /// Strict mode (RFC 5798) allows starting as MASTER only for the address owner.
    func state(_ state: Located<VRRPInitialState>?, priority: Located<Int>, strict: Bool) -> Located<VRRPInitialState> {
        guard let state else { return .defaulted(.backup) }
        if strict && state.value == .master && priority.value != 255 {
            sink.warning(
                "strict mode allows state MASTER only with priority 255 (the address owner); \(context) starts as BACKUP",
                at: state.location ?? location, expected: "state BACKUP, or priority 255", keyword: "state")
            return Located(.backup, at: state.location)
        }
        return state
    }

    /// nopreempt and preempt_delay only work from state BACKUP (keepalived clears them otherwise).
    func preemption(
        state: Located<VRRPInitialState>?, preempt: Located<Bool>?, delay: Located<Seconds>, strict: Bool
    ) -> (preempt: Located<Bool>, delay: Located<Seconds>) {
        var preempt = preempt ?? .defaulted(true)
        var delay = delay
        let master = state?.value == .master
        if master && !preempt.value {
            sink.warning(
                "nopreempt only takes effect with state BACKUP; \(context) has state MASTER, so it preempts anyway",
                at: preempt.location ?? location, expected: "state BACKUP with nopreempt", keyword: "nopreempt")
            preempt = Located(true, at: preempt.location)
        }
        if delay.value.microseconds > 0 && (master || strict) {
            let reason = master ? "it only takes effect with state BACKUP" : "strict mode does not allow it"
            sink.warning(
                "preempt_delay is ignored in \(context): \(reason)", at: delay.location ?? location,
                expected: master ? "state BACKUP with preempt_delay" : "no preempt_delay with strict mode", keyword: "preempt_delay")
            delay = Located(Seconds(0), at: delay.location)
        }
        return (preempt, delay)
    }

    /// Accept mode defaults on, except in strict mode where only the address owner accepts.
    func accept(_ explicit: Located<Bool>?, priority: Located<Int>, version: VRRPVersion, strict: Bool) -> Located<Bool> {
        guard let explicit else { return .defaulted(strict ? priority.value == 255 : true) }
        if strict && version == .v2 && explicit.value && priority.value != 255 {
            sink.warning(
                "accept mode is not part of VRRPv2 (RFC 3768), so strict mode turns it off in \(context)",
                at: explicit.location ?? location, expected: "no_accept, or version 3", keyword: "accept")
            return Located(false, at: explicit.location)
        }
        return explicit
    }

    func lowerPrioNoAdvert(_ flag: Located<Bool>, strict: Bool) -> Located<Bool> {
        guard strict, !flag.value else { return flag }
        if flag.isExplicit {
            sink.warning(
                "strict mode needs lower_prio_no_advert; it is turned on in \(context)", at: flag.location ?? location,
                expected: "lower_prio_no_advert on (or nothing) with strict mode", keyword: "lower_prio_no_advert")
        }
        return Located(true, at: flag.location)
    }

    func higherPrioSendAdvert(_ flag: Located<Bool>, strict: Bool) -> Located<Bool> {
        guard strict, flag.value else { return flag }
        if flag.isExplicit {
            sink.warning(
                "strict mode does not allow higher_prio_send_advert; it is turned off in \(context)", at: flag.location ?? location,
                expected: "no higher_prio_send_advert with strict mode", keyword: "higher_prio_send_advert")
        }
        return Located(false, at: flag.location)
    }

    // MARK: Addresses

    func addressesPresent(_ vips: [AddressSpec], strict: Bool) {
        guard vips.isEmpty else { return }
        if strict {
            sink.error(
                "\(context) has no virtual_ipaddress, which strict mode requires", at: location,
                expected: "at least one address in virtual_ipaddress", keyword: "virtual_ipaddress")
        } else {
            sink.warning(
                "\(context) has no virtual_ipaddress; becoming MASTER will move no address", at: location,
                expected: "at least one address in virtual_ipaddress", keyword: "virtual_ipaddress")
        }
    }

    static func name(_ family: AddressFamily) -> String { family == .ipv4 ? "IPv4" : "IPv6" }
}
