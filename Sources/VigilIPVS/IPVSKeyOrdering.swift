import VigilCore

// The order ipvsadm lists a table in: address services before firewall marks, then family,
// protocol, address and port. Plans and renderings follow it so they are deterministic.

extension IPVSServiceKey: Comparable {
    public static func < (lhs: IPVSServiceKey, rhs: IPVSServiceKey) -> Bool {
        switch (lhs, rhs) {
        case (.address(let lp, let la, let lport), .address(let rp, let ra, let rport)):
            if la.family != ra.family { return la.family == .ipv4 }
            if lp != rp { return lp < rp }
            if la != ra { return la < ra }
            return lport < rport
        case (.address, .firewallMark): return true
        case (.firewallMark, .address): return false
        case (.firewallMark(let lm, let lf), .firewallMark(let rm, let rf)):
            if lm != rm { return lm < rm }
            return lf == .ipv4 && rf == .ipv6
        }
    }
}

extension IPVSDestinationKey: Comparable {
    public static func < (lhs: IPVSDestinationKey, rhs: IPVSDestinationKey) -> Bool {
        lhs.address != rhs.address ? lhs.address < rhs.address : lhs.port < rhs.port
    }
}
