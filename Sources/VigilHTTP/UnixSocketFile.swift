import Glibc

/// The file side of a unix listener: a parent directory, no live peer, no stale file, mode 0600,
/// and removal on shutdown only if the file is still the one this server created.
struct UnixSocketFile: Sendable {
    let path: String
    private var device: UInt64 = 0
    private var inode: UInt64 = 0

    init(path: String) {
        self.path = path
    }

    /// Makes the path ready for bind(2), or says why it cannot be.
    func prepare() throws(HTTPServerError) {
        let address = ListenAddress.unixSocket(path: path)
        try createParentDirectory(address: address)
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw Self.error(errno, address: address, doing: "cannot inspect \(path)")
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw .cannotBind(address, reason: "\(path) exists and is not a socket; remove it or choose another path")
        }
        switch Self.probe(path) {
        case .listening:
            throw .socketInUse(path: path)
        case .stale:
            guard unlink(path) == 0 || errno == ENOENT else {
                throw Self.error(errno, address: address, doing: "cannot remove the stale socket \(path)")
            }
        case .failed(let code):
            throw Self.error(code, address: address, doing: "cannot check whether \(path) is in use")
        }
    }

    /// Restricts the bound socket to its owner and remembers its identity for removal.
    mutating func secure() throws(HTTPServerError) {
        let address = ListenAddress.unixSocket(path: path)
        guard chmod(path, 0o600) == 0 else {
            throw Self.error(errno, address: address, doing: "cannot set mode 0600 on \(path)")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw Self.error(errno, address: address, doing: "cannot inspect \(path) after binding")
        }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }

    /// Removes the socket file if it is still ours (a successor may have replaced it).
    func remove() {
        var info = stat()
        guard lstat(path, &info) == 0, UInt64(info.st_dev) == device, UInt64(info.st_ino) == inode else { return }
        unlink(path)
    }

    private func createParentDirectory(address: ListenAddress) throws(HTTPServerError) {
        var missing: [String] = []
        var directory = Self.parent(of: path)
        var info = stat()
        while !directory.isEmpty, directory != "/", stat(directory, &info) != 0 {
            missing.append(directory)
            directory = Self.parent(of: directory)
        }
        for created in missing.reversed() {
            guard mkdir(created, 0o750) == 0 || errno == EEXIST else {
                throw Self.error(errno, address: address, doing: "cannot create the directory \(created)")
            }
            // mkdir's mode passes through the umask; the brief is 0750 exactly.
            chmod(created, 0o750)
        }
    }

    private static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    private enum ProbeResult { case listening, stale, failed(Int32) }

    /// Connects to an existing socket file: an answer means a live server, ECONNREFUSED a stale file.
    private static func probe(_ path: String) -> ProbeResult {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failed(errno) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        let bytes = Array(path.utf8)
        guard bytes.count < capacity else { return .failed(ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        if result == 0 { return .listening }
        switch errno {
        case EAGAIN, EINPROGRESS: return .listening  // alive, its backlog is full
        case ECONNREFUSED: return .stale
        case let code: return .failed(code)
        }
    }

    static func error(_ code: Int32, address: ListenAddress, doing what: String) -> HTTPServerError {
        if code == EACCES || code == EPERM { return .permissionDenied(address) }
        return .cannotBind(address, reason: "\(what): \(String(cString: strerror(code)))")
    }
}
