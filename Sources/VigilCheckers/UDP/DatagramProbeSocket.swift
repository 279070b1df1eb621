import CLinuxExtras
import Glibc
import VigilCheck
import VigilCore

/// Opens the connected datagram sockets of UDP_CHECK, DNS_CHECK and PING_CHECK with the
/// endpoint's source settings and IP_RECVERR, so ICMP errors (port, host, network unreachable)
/// come back as socket errors as keepalived expects.
enum DatagramProbeSocket {
    /// Which socket a probe needs.
    enum Kind {
        case udp
        /// An unprivileged ICMP "ping socket" (SOCK_DGRAM, IPPROTO_ICMP/ICMPV6); the kernel sets
        /// the echo identifier and hands back only the replies for this socket.
        case icmpDatagram
        /// A raw ICMP socket (needs CAP_NET_RAW); sees every ICMP packet, so it is filtered to echo replies.
        case icmpRaw
    }

    /// Opens the first of `kinds` the system allows (a ping socket, else a raw one) in the calling
    /// thread's network namespace; the caller owns the non-blocking descriptor. Only "not
    /// permitted" moves on to the next kind.
    static func open(_ kinds: [Kind], endpoint: ProbeEndpoint) -> Result<(CInt, Kind), DatagramSocketError> {
        var lastError = DatagramSocketError(step: "socket", code: EPROTONOSUPPORT)
        for kind in kinds {
            switch openHere(kind, endpoint: endpoint) {
            case .success(let fd): return .success((fd, kind))
            case .failure(let error):
                lastError = error
                guard error.isNotPermittedToOpen else { return .failure(error) }
            }
        }
        return .failure(lastError)
    }

    /// Opens, configures, binds and connects one socket in the calling thread's namespace.
    private static func openHere(_ kind: Kind, endpoint: ProbeEndpoint) -> Result<CInt, DatagramSocketError> {
        let family = endpoint.address.family == .ipv4 ? AF_INET : AF_INET6
        if let source = endpoint.bindAddress, source.family != endpoint.address.family {
            return .failure(DatagramSocketError(step: "bindto \(source)", code: EAFNOSUPPORT))
        }
        let (type, proto): (CInt, CInt) =
            switch kind {
            case .udp: (CInt(SOCK_DGRAM.rawValue), CInt(IPPROTO_UDP))
            case .icmpDatagram: (CInt(SOCK_DGRAM.rawValue), family == AF_INET ? CInt(IPPROTO_ICMP) : CInt(IPPROTO_ICMPV6))
            case .icmpRaw: (CInt(SOCK_RAW.rawValue), family == AF_INET ? CInt(IPPROTO_ICMP) : CInt(IPPROTO_ICMPV6))
            }
        let fd = socket(family, type | CInt(SOCK_CLOEXEC.rawValue) | CInt(SOCK_NONBLOCK.rawValue), proto)
        guard fd >= 0 else { return .failure(DatagramSocketError(step: "socket", code: errno)) }
        do {
            try configure(fd, kind: kind, family: family, endpoint: endpoint)
            let scope = try scopeIndex(endpoint)
            if endpoint.bindAddress != nil || (kind == .udp && endpoint.bindPort != nil) {
                let source = endpoint.bindAddress ?? DatagramSocketAddress.unspecified(like: endpoint.address)
                // Only UDP has ports; an ICMP socket's "port" is its echo identifier, left to the kernel.
                let port = kind == .udp ? endpoint.bindPort ?? 0 : 0
                try DatagramSocketAddress.with(source, port: port, scope: scope) { address, length in
                    guard bind(fd, address, length) == 0 else { throw DatagramSocketError(step: "bind \(source)", code: errno) }
                }
            }
            // Connected, so only the peer's datagrams arrive and its ICMP errors reach this socket.
            try DatagramSocketAddress.with(endpoint.address, port: kind == .udp ? endpoint.port : 0, scope: scope) { address, length in
                guard connect(fd, address, length) == 0 else { throw DatagramSocketError(step: "connect \(endpoint.address)", code: errno) }
            }
            return .success(fd)
        } catch let error as DatagramSocketError {
            close(fd)
            return .failure(error)
        } catch {
            close(fd)
            return .failure(DatagramSocketError(step: "\(error)", code: 0))
        }
    }

    private static func configure(_ fd: CInt, kind: Kind, family: CInt, endpoint: ProbeEndpoint) throws(DatagramSocketError) {
        // ICMP errors (port, host, network unreachable) arrive as socket errors even for the kinds
        // a connected socket would otherwise keep quiet about, as keepalived asks for too.
        if family == AF_INET {
            try setOption(fd, level: CInt(IPPROTO_IP), name: IP_RECVERR, value: 1, step: "IP_RECVERR")
        } else {
            try setOption(fd, level: CInt(IPPROTO_IPV6), name: IPV6_RECVERR, value: 1, step: "IPV6_RECVERR")
        }
        if let mark = endpoint.firewallMark {
            try setOption(fd, level: SOL_SOCKET, name: SO_MARK, value: CInt(truncatingIfNeeded: mark), step: "fwmark \(mark)")
        }
        if let interface = endpoint.bindInterface {
            let index = if_nametoindex(interface)
            guard index != 0 else { throw DatagramSocketError(step: "bind_if \(interface)", code: ENODEV) }
            try setOption(fd, level: SOL_SOCKET, name: SO_BINDTOIFINDEX, value: CInt(bitPattern: index), step: "bind_if \(interface)")
        }
        if kind == .icmpRaw { try filterToEchoReplies(fd, family: family) }
    }

    /// Lets only echo replies wake a raw socket: every raw ICMP socket gets a copy of every ICMP packet.
    private static func filterToEchoReplies(_ fd: CInt, family: CInt) throws(DatagramSocketError) {
        if family == AF_INET {
            // ICMP_FILTER (linux/icmp.h, not in Glibc): a set bit drops that type; echo reply is type 0.
            let icmpFilter: CInt = 1
            try setOption(fd, level: SOL_RAW, name: icmpFilter, value: CInt(bitPattern: ~UInt32(1)), step: "ICMP_FILTER")
        } else {
            // ICMP6_FILTER: 256 bits, a set bit blocks the type; echo reply is type 129.
            var blocked = [UInt32](repeating: .max, count: 8)
            blocked[129 >> 5] &= ~(UInt32(1) << (129 & 31))
            let icmp6Filter: CInt = 1
            let status = blocked.withUnsafeBytes {
                setsockopt(fd, CInt(IPPROTO_ICMPV6), icmp6Filter, $0.baseAddress, socklen_t($0.count))
            }
            guard status == 0 else { throw DatagramSocketError(step: "ICMP6_FILTER", code: errno) }
        }
    }

    private static func setOption(_ fd: CInt, level: CInt, name: CInt, value: CInt, step: String) throws(DatagramSocketError) {
        var value = value
        guard setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<CInt>.size)) == 0 else {
            throw DatagramSocketError(step: step, code: errno)
        }
    }

    /// The interface index an IPv6 link-local address needs as its scope; 0 otherwise.
    private static func scopeIndex(_ endpoint: ProbeEndpoint) throws(DatagramSocketError) -> UInt32 {
        guard case .v6(let address) = endpoint.address, address.isLinkLocal, let interface = endpoint.bindInterface else { return 0 }
        let index = if_nametoindex(interface)
        guard index != 0 else { throw DatagramSocketError(step: "bind_if \(interface)", code: ENODEV) }
        return index
    }
}
