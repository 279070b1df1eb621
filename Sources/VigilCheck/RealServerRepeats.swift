import VigilConfig

extension VirtualServer {
    /// For each real server, whether an earlier one has the same address and port. keepalived drops
    /// such a repeat with its checkers, so it counts for nothing and gets no checks.
    var realServerIsRepeat: [Bool] {
        var seen: Set<RealServerKey> = []
        return realServers.map { !seen.insert(RealServerKey($0)).inserted }
    }
}

private struct RealServerKey: Hashable {
    let address: String
    let port: Int

    init(_ server: RealServer) {
        address = server.address.value.description
        port = server.port.value
    }
}
