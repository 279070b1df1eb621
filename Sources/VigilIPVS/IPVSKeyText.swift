import VigilCore

extension IPVSServiceKey {
    /// ipvsadm's numeric service column, the protocol padded to four: `TCP  192.0.2.1:80`,
    /// `SCTP 192.0.2.1:9`, `UDP  [2001:db8::1]:53`, `FWM  7`, `FWM  7 IPv6`.
    public var ipvsText: String {
        switch self {
        case .address(let proto, let address, let port):
            let name = proto.name.uppercased()
            return name + String(repeating: " ", count: max(1, 5 - name.count)) + address.withPort(port)
        case .firewallMark(let mark, let family):
            return family == .ipv6 ? "FWM  \(mark) IPv6" : "FWM  \(mark)"
        }
    }
}

extension IPVSDestinationKey {
    /// `198.51.100.1:80` or `[2001:db8::2]:80`, as ipvsadm -n writes a real server.
    public var ipvsText: String { address.withPort(port) }
}
