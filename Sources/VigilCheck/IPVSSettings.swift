import VigilConfig
import VigilIPVS

/// The kernel's IP_VS_SVC_F_* service flags (linux/ip_vs.h) that the configuration sets.
enum IPVSServiceFlags {
    static let onePacket: UInt32 = 0x0004
    static let scheduler1: UInt32 = 0x0008
    static let scheduler2: UInt32 = 0x0010
    static let scheduler3: UInt32 = 0x0020

    /// ops (UDP only, as keepalived ignores it otherwise) and the scheduler flags that apply to the
    /// service's scheduler; sh-/mh-fallback is flag 1 and sh-/mh-port flag 2, as in the kernel.
    static func of(_ server: VirtualServer) -> UInt32 {
        var flags: UInt32 = 0
        if server.ops.value && server.protocol.value == .udp { flags |= onePacket }
        for flag in server.schedulerFlags {
            if let scheduler = flag.value.scheduler, scheduler != server.lvsSched.value { continue }
            flags |= bit(flag.value)
        }
        return flags
    }

    private static func bit(_ flag: LVSSchedulerFlag) -> UInt32 {
        switch flag {
        case .flag1, .shFallback, .mhFallback: scheduler1
        case .flag2, .shPort, .mhPort: scheduler2
        case .flag3: scheduler3
        }
    }
}

extension IPVSForwarding {
    init(_ method: LVSMethod) {
        switch method {
        case .nat: self = .masquerade
        case .dr: self = .directRoute
        case .tun: self = .tunnel
        }
    }
}

extension IPVSProtocol {
    init(_ proto: LVSProtocol) {
        switch proto {
        case .tcp: self = .tcp
        case .udp: self = .udp
        case .sctp: self = .sctp
        }
    }
}
