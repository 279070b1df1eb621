import Foundation
import Glibc
import Synchronization

/// A one-connection server that answers with scripted bytes, for the client's framing and
/// timeout paths that a correct server never exercises.
final class FakeServer: Sendable {
    let port: Int
    private let listener: Int32
    private let state = Mutex<(request: String, held: [Int32])>(("", []))

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && listen(listener, 4) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard listener >= 0, bound else { throw TestFailure("fake server: \(errno)") }
        self.listener = listener
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    deinit {
        close(listener)
        for fd in state.withLock({ $0.held }) { close(fd) }
    }

    /// The request the client sent, once it has been read.
    var request: String { state.withLock { $0.request } }

    /// Accepts one connection, reads its request, sends `pieces` with `pause` between them, then
    /// closes, or holds the connection open until the server is released.
    func serve(_ pieces: [[UInt8]], pause: Duration = .zero, thenClose: Bool) {
        let thread = Thread { [self] in
            var descriptor = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 10_000) > 0 else { return }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while !String(decoding: received, as: UTF8.self).contains("\r\n\r\n") {
                let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
                guard count > 0 else { break }
                received += chunk[..<count]
            }
            state.withLock { $0.request = String(decoding: received, as: UTF8.self) }
            for piece in pieces {
                _ = piece.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                if pause > .zero {
                    usleep(UInt32(pause.components.attoseconds / 1_000_000_000_000 + pause.components.seconds * 1_000_000))
                }
            }
            if thenClose {
                close(connection)
            } else {
                state.withLock { $0.held.append(connection) }
            }
        }
        thread.start()
    }

    /// Splits `text` into pieces of `size` bytes, so the client sees the answer arrive in fragments.
    static func pieces(_ text: String, size: Int) -> [[UInt8]] {
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }
}
