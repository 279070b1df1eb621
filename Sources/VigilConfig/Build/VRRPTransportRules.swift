import VigilCore

/// keepalived's checks for how an instance reaches its peers: unicast, source and multicast
/// addresses, the interface, the virtual MAC and gratuitous ARP counts.
extension VRRPInstanceRules {
    // MARK: Transport

    func unicastPeers(
        _ peers: [UnicastPeer], family: AddressFamily, blockGiven: Bool,
        unicastSrcIp: Located<IPAddress>?, faultNoPeer: Bool, strict: Bool
    ) -> [UnicastPeer] {
        let matching = peers.filter { peer in
            guard peer.address.family != family else { return true }
            sink.error(
                "unicast_peer \(peer.address) is \(Self.name(peer.address.family)), but \(context) is \(Self.name(family))",
                at: peer.location, expected: "\(Self.name(family)) peer addresses", keyword: "unicast_peer")
            return false
        }
        if matching.isEmpty && (blockGiven || unicastSrcIp != nil) && !faultNoPeer && peers.isEmpty {
            sink.warning(
                "\(context) uses a unicast keyword but has no unicast peers; adverts are sent by multicast",
                at: unicastSrcIp?.location ?? location, expected: "addresses in unicast_peer, or unicast_fault_no_peer",
                keyword: "unicast_peer")
        }
        if strict, let first = matching.first {
            sink.warning(
                "strict mode does not allow unicast peers (RFC 5798 adverts are multicast)", at: first.location,
                expected: "no unicast_peer with strict mode", keyword: "unicast_peer")
        }
        return matching
    }

    func sourceAddress(mcastSrcIp: Located<IPAddress>?, unicastSrcIp: Located<IPAddress>?, family: AddressFamily) {
        for (keyword, address) in [("mcast_src_ip", mcastSrcIp), ("unicast_src_ip", unicastSrcIp)] {
            guard let address, address.value.family != family else { continue }
            sink.error(
                "\(keyword) \(address.value) is \(Self.name(address.value.family)), but \(context) is \(Self.name(family))",
                at: address.location ?? location, expected: "an \(Self.name(family)) source address", keyword: keyword)
        }
        if let mcastSrcIp, let unicastSrcIp, mcastSrcIp.value != unicastSrcIp.value {
            sink.warning(
                "mcast_src_ip and unicast_src_ip set the same source address; unicast_src_ip \(unicastSrcIp.value) is used",
                at: mcastSrcIp.location ?? location, expected: "one of them", keyword: "mcast_src_ip")
        }
    }

    /// Another multicast group must be multicast, of the instance's family, and link-local for IPv6 (ffX2::).
    func multicastDestination(_ address: Located<IPAddress>?, family: AddressFamily, unicast: Bool) -> Located<IPAddress>? {
        guard let address else { return nil }
        let at = address.location ?? location
        let valid: Bool
        switch address.value {
        case .v4(let v4): valid = family == .ipv4 && v4.isMulticast
        case .v6(let v6): valid = family == .ipv6 && v6.isMulticast && (v6.high >> 48) & 0xF == 2
        }
        guard valid else {
            sink.warning(
                "mcast_dst_ip \(address.value) is not a\(family == .ipv4 ? "n IPv4" : " link-local IPv6") multicast address; the default group is used",
                at: at, expected: family == .ipv4 ? "an address in 224.0.0.0/4" : "an address ffX2::/16", keyword: "mcast_dst_ip")
            return nil
        }
        if unicast {
            sink.warning("mcast_dst_ip is ignored because unicast_peer is set", at: at, keyword: "mcast_dst_ip")
        }
        return address
    }

    /// The interface may only be left out with unicast peers that are not IPv6 link-local.
    func interfacePresence(_ interface: Located<String>?, peers: [UnicastPeer]) {
        guard interface == nil else { return }
        if peers.isEmpty {
            sink.error(
                "\(context) has no 'interface'", at: location, expected: "'interface NAME' (it may only be left out with unicast_peer)",
                hint: "global default_interface only applies to static addresses", keyword: "interface")
        } else if let linkLocal = peers.first(where: { if case .v6(let a) = $0.address { a.isLinkLocal } else { false } }) {
            sink.error(
                "\(context) has no 'interface', which link-local unicast peer \(linkLocal.address) needs", at: location,
                expected: "'interface NAME'", keyword: "interface")
        }
    }

    // MARK: Virtual MAC

    func vmacXmitBase(_ flag: Located<Bool>, useVmac: Located<VirtualMACSetting>?, unicast: Bool, strict: Bool) -> Located<Bool> {
        if flag.value && useVmac == nil {
            sink.warning(
                "vmac_xmit_base only applies with use_vmac and is ignored in \(context)", at: flag.location ?? location,
                expected: "use_vmac together with vmac_xmit_base", keyword: "vmac_xmit_base")
            return Located(false, at: flag.location)
        }
        if flag.value && strict {
            sink.warning(
                "strict mode does not allow vmac_xmit_base; it is turned off in \(context)", at: flag.location ?? location,
                keyword: "vmac_xmit_base")
            return Located(false, at: flag.location)
        }
        if let useVmac, unicast, !flag.value {
            sink.warning(
                "use_vmac with unicast peers needs vmac_xmit_base; it is turned on in \(context)", at: useVmac.location ?? location,
                expected: "vmac_xmit_base with use_vmac and unicast_peer", keyword: "vmac_xmit_base")
            return Located(true, at: useVmac.location)
        }
        return flag
    }

    /// `aa:bb:cc:dd:ee[:ff]`; the RFC 5798 prefixes are what use_vmac uses anyway, so they are refused.
    static func vmacAddress(_ token: Token, sink: DiagnosticSink) -> String? {
        let parts = token.text.split(separator: ":", omittingEmptySubsequences: false)
        let octets = parts.compactMap { part in part.utf8.count == 2 ? UInt8(part, radix: 16) : nil }
        guard octets.count == parts.count, octets.count == 5 || octets.count == 6 else {
            sink.error(
                "use_vmac MAC address '\(token.text)' is not valid", at: token.location,
                expected: "six (or five, the VRID being added) hex octets such as 02:00:5e:10:00", keyword: "use_vmac")
            return nil
        }
        if octets.prefix(4) == [0x00, 0x00, 0x5E, 0x00], octets.count > 4, octets[4] == 1 || octets[4] == 2 {
            sink.warning(
                "use_vmac MAC address '\(token.text)' is the RFC 5798 virtual MAC, which is used anyway; it is ignored",
                at: token.location, expected: "another MAC address, or none", keyword: "use_vmac")
            return nil
        }
        if octets[0] & 1 == 1 {
            sink.error(
                "use_vmac MAC address '\(token.text)' is a multicast address", at: token.location,
                expected: "a unicast MAC address (lowest bit of the first octet clear)", keyword: "use_vmac")
            return nil
        }
        return octets.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }

    // MARK: Gratuitous ARP

    /// keepalived raises a repeat count of 0 to 1.
    func atLeastOne(_ value: Located<Int>?, _ keyword: String) -> Located<Int>? {
        guard let value, value.value == 0 else { return value }
        sink.warning("\(keyword) 0 is raised to 1", at: value.location ?? location, expected: "at least 1", keyword: keyword)
        return Located(1, at: value.location)
    }

    /// Strict mode sends no gratuitous ARP burst after a lower-priority advert.
    func strictLowerPrioGarp(delay: Located<Seconds>, repeat count: Located<Int>) -> (Located<Seconds>, Located<Int>) {
        if count.isExplicit && count.value > 0 {
            sink.warning(
                "strict mode sends no gratuitous ARPs after a lower-priority advert; garp_lower_prio_repeat is set to 0",
                at: count.location ?? location, keyword: "garp_lower_prio_repeat")
        }
        return (Located(Seconds(0), at: delay.location), Located(0, at: count.location))
    }
}
