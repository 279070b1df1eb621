import Glibc

/// A non-blocking stream socket whose every wait goes through poll(2) with the request's deadline,
/// so a stalled peer costs at most the timeout.
struct ControlSocket: ~Copyable {
    private let fd: Int32
    private let endpoint: ControlEndpoint
    private let deadline: ContinuousClock.Instant
    private let timeout: Duration

    private init(fd: Int32, endpoint: ControlEndpoint, deadline: ContinuousClock.Instant, timeout: Duration) {
        self.fd = fd
        self.endpoint = endpoint
        self.deadline = deadline
        self.timeout = timeout
    }

    deinit {
        Glibc.close(fd)
    }

    static func connect(
        to endpoint: ControlEndpoint,
        deadline: ContinuousClock.Instant,
        timeout: Duration
    ) throws(ControlClientError) -> ControlSocket {
        var storage = sockaddr_storage()
        let length: socklen_t
        let family: Int32
        switch endpoint {
        case .tcp(let host, let port):
            guard let filled = fillInet(&storage, host: host, port: port) else {
                throw .cannotConnect(endpoint, reason: "\(host) is not a numeric IP address")
            }
            (family, length) = filled
        case .unixSocket(let path):
            guard let filled = fillUnix(&storage, path: path) else {
                throw .cannotConnect(endpoint, reason: "the socket path is longer than 107 bytes")
            }
            (family, length) = filled
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .cannotConnect(endpoint, reason: errnoText(errno)) }
        let connection = ControlSocket(fd: fd, endpoint: endpoint, deadline: deadline, timeout: timeout)
        try connection.finishConnect(address: &storage, length: length)
        return connection
    }

    private func finishConnect(address: inout sockaddr_storage, length: socklen_t) throws(ControlClientError) {
        while true {
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, length) }
            }
            if result == 0 { return }
            switch errno {
            case EINTR:
                continue
            case EINPROGRESS:
                try wait(for: Int16(POLLOUT))
                var error: Int32 = 0
                var size = socklen_t(MemoryLayout<Int32>.size)
                guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 else {
                    throw .cannotConnect(endpoint, reason: Self.errnoText(errno))
                }
                guard error == 0 else { throw .cannotConnect(endpoint, reason: Self.errnoText(error)) }
                return
            case EAGAIN:
                // A unix listener's backlog is full: it is alive, so retry until the deadline.
                guard ContinuousClock.now < deadline else { throw .timedOut(endpoint, after: timeout) }
                usleep(1000)
            case let code:
                throw .cannotConnect(endpoint, reason: Self.errnoText(code))
            }
        }
    }

    /// Sends every byte or throws.
    func sendAll(_ bytes: [UInt8]) throws(ControlClientError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { raw in
                send(fd, raw.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if sent > 0 {
                offset += sent
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN: try wait(for: Int16(POLLOUT))
            case let code: throw .transferFailed(endpoint, reason: Self.errnoText(code))
            }
        }
    }

    /// Reads what is available into `buffer`; 0 means the peer closed.
    func receive(into buffer: inout [UInt8]) throws(ControlClientError) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN: try wait(for: Int16(POLLIN))
            case let code: throw .transferFailed(endpoint, reason: Self.errnoText(code))
            }
        }
    }

    private func wait(for events: Int16) throws(ControlClientError) {
        while true {
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else { throw .timedOut(endpoint, after: timeout) }
            let (seconds, attoseconds) = remaining.components
            // Round up so a sub-millisecond remainder still waits instead of spinning.
            let milliseconds = min(Int64(Int32.max), seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            var descriptor = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&descriptor, 1, Int32(milliseconds))
            if ready > 0 { return }
            if ready < 0 && errno != EINTR {
                throw .transferFailed(endpoint, reason: Self.errnoText(errno))
            }
        }
    }

    private static func fillInet(_ storage: inout sockaddr_storage, host: String, port: Int) -> (Int32, socklen_t)? {
        guard (0...65535).contains(port) else { return nil }
        return withUnsafeMutableBytes(of: &storage) { raw -> (Int32, socklen_t)? in
            var v4 = sockaddr_in()
            if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
                v4.sin_family = sa_family_t(AF_INET)
                v4.sin_port = in_port_t(UInt16(port).bigEndian)
                withUnsafeBytes(of: &v4) { raw.copyMemory(from: $0) }
                return (AF_INET, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
            var v6 = sockaddr_in6()
            if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
                v6.sin6_family = sa_family_t(AF_INET6)
                v6.sin6_port = in_port_t(UInt16(port).bigEndian)
                withUnsafeBytes(of: &v6) { raw.copyMemory(from: $0) }
                return (AF_INET6, socklen_t(MemoryLayout<sockaddr_in6>.size))
            }
            return nil
        }
    }

    private static func fillUnix(_ storage: inout sockaddr_storage, path: String) -> (Int32, socklen_t)? {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return nil }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        withUnsafeMutableBytes(of: &storage) { raw in
            withUnsafeBytes(of: &address) { raw.copyMemory(from: $0) }
        }
        return (AF_UNIX, socklen_t(MemoryLayout<sockaddr_un>.size))
    }

    static func errnoText(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
