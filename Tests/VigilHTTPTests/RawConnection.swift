import Glibc
import Synchronization

/// A plain client socket for what ControlClient deliberately cannot do: half requests, two
/// requests on one connection, HTTP/1.0, watching for the server to close.
final class RawConnection: Sendable {
    struct Response {
        let head: String
        let body: [UInt8]
        var statusLine: String { head.split(separator: "\r\n").first.map(String.init) ?? "" }
        var text: String { String(decoding: body, as: UTF8.self) }

        func header(_ name: String) -> String? {
            for line in head.split(separator: "\r\n").dropFirst() {
                let parts = line.split(separator: ":", maxSplits: 1)
                if parts.count == 2, parts[0].lowercased() == name.lowercased() {
                    return parts[1].trimmingCharacters(in: " ")
                }
            }
            return nil
        }
    }

    private let fd: Int32
    private let pending = Mutex<[UInt8]>([])

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            close(fd)
            throw TestFailure("connect: \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        close(fd)
    }

    /// Shuts down our sending side (a half-closed connection): the server may still answer.
    func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

    func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw TestFailure("send: \(String(cString: strerror(errno)))") }
            offset += sent
        }
    }

    /// Reads one response framed by Content-Length (or none for HEAD / 204).
    func readResponse(timeout: Duration = .seconds(5), expectBody: Bool = true) throws -> Response {
        let deadline = ContinuousClock.now + timeout
        var buffer = pending.withLock { $0 }
        var headEnd: Int?
        while headEnd == nil {
            headEnd = find(buffer, [13, 10, 13, 10])
            if headEnd == nil {
                guard let more = try readSome(until: deadline), !more.isEmpty else {
                    throw TestFailure("connection closed before a response head; got \(String(decoding: buffer, as: UTF8.self))")
                }
                buffer += more
            }
        }
        let end = headEnd ?? 0
        let head = String(decoding: buffer[..<end], as: UTF8.self)
        var rest = Array(buffer[(end + 4)...])
        let partial = Response(head: head, body: [])
        let length = expectBody ? (partial.header("Content-Length").flatMap { Int($0) } ?? 0) : 0
        while rest.count < length {
            guard let more = try readSome(until: deadline), !more.isEmpty else {
                throw TestFailure("connection closed inside a body")
            }
            rest += more
        }
        pending.withLock { $0 = Array(rest[length...]) }
        return Response(head: head, body: Array(rest[..<length]))
    }

    /// True when the server closes the connection (EOF or reset) before the deadline.
    func waitForClose(timeout: Duration) throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            do {
                guard let more = try readSome(until: deadline) else { return false }
                if more.isEmpty { return true }
            } catch {
                return true  // a reset is a close too
            }
        }
    }

    /// nil on timeout, empty on EOF.
    private func readSome(until deadline: ContinuousClock.Instant) throws -> [UInt8]? {
        let remaining = deadline - ContinuousClock.now
        guard remaining > .zero else { return nil }
        let milliseconds = Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1)
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return nil }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count >= 0 else { throw TestFailure("recv: \(String(cString: strerror(errno)))") }
        return Array(chunk[..<count])
    }

    private func find(_ haystack: [UInt8], _ needle: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where Array(haystack[index..<(index + needle.count)]) == needle {
            return index
        }
        return nil
    }
}

extension Substring {
    func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
