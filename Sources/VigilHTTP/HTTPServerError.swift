/// Startup failures, each naming the address and what to do.
public enum HTTPServerError: Error, Sendable, CustomStringConvertible {
    /// Another socket already listens on this address.
    case addressInUse(ListenAddress)
    /// The process may not bind there (privileged port, unwritable directory).
    case permissionDenied(ListenAddress)
    /// A live server already answers on this unix socket path.
    case socketInUse(path: String)
    /// Any other reason the listener could not be set up.
    case cannotBind(ListenAddress, reason: String)

    public var description: String {
        switch self {
        case .addressInUse(let address):
            return "cannot listen on \(address): the address is already in use "
                + "(is another vigild or exporter running? choose another with --listen or vigil_http_listen)"
        case .permissionDenied(let address):
            switch address {
            case .tcp:
                return "cannot listen on \(address): permission denied "
                    + "(ports below 1024 need root or CAP_NET_BIND_SERVICE; choose another with --listen or vigil_http_listen)"
            case .unixSocket(let path):
                return "cannot listen on \(address): permission denied "
                    + "(the directory of \(path) must be writable by this user; choose another with --control-socket or vigil_control_socket)"
            }
        case .socketInUse(let path):
            return "cannot listen on unix:\(path): another vigild is listening on \(path) "
                + "(stop it first, or choose another path with --control-socket or vigil_control_socket)"
        case .cannotBind(let address, let reason):
            return "cannot listen on \(address): \(reason)"
        }
    }
}
