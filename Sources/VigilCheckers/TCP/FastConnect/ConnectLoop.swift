import CLinuxExtras
import Glibc
import VigilCheck
import VigilCore

/// The poller thread's own state and loop: the connects in flight, their deadlines, the epoll set.
/// Never shared: only the poller's thread touches it.
final class ConnectLoop {
    private struct InFlight {
        let descriptor: CInt
        let continuation: CheckedContinuation<CheckOutcome, Never>
    }

    private typealias Finished = (token: UInt64, continuation: CheckedContinuation<CheckOutcome, Never>, outcome: CheckOutcome)

    /// The epoll token of the wake eventfd; request tokens start at 1.
    private static let wakeToken: UInt64 = 0
    private static let batch = 256
    private static let socketType = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue)

    private let poller: TCPConnectPoller
    private var inFlight: [UInt64: InFlight] = [:]
    private var deadlines = ConnectDeadlines()
    private var finished: [Finished] = []
    private var epoll: CInt = -1
    private var setupFailure: String?

    init(poller: TCPConnectPoller) {
        self.poller = poller
    }

    func run() {
        // Without epoll or the wake descriptor nothing could ever be resumed: refuse all work.
        guard setUp() else { return stop() }
        var tokens = [UInt64](repeating: 0, count: Self.batch)
        var events = [UInt32](repeating: 0, count: Self.batch)
        while true {
            let (requests, cancelled, stopping) = poller.handover.withLock { state in
                defer {
                    state.queued.removeAll(keepingCapacity: true)
                    state.cancelled.removeAll(keepingCapacity: true)
                }
                return (state.queued, state.cancelled, state.stopping)
            }
            for request in requests { start(request) }
            for token in cancelled { end(token, TCPConnectPoller.cancelledOutcome) }
            if stopping { return stop() }
            expireDeadlines()
            resumeFinished()

            let count = tokens.withUnsafeMutableBufferPointer { tokens in
                events.withUnsafeMutableBufferPointer { events in
                    vigil_epoll_wait(
                        epoll, tokens.baseAddress, events.baseAddress, CInt(Self.batch), epollTimeoutMilliseconds())
                }
            }
            // Only a broken epoll descriptor fails here; looping on it would spin.
            guard count >= 0 else { return stop() }
            for index in 0..<Int(count) {
                let token = tokens[index]
                if token == Self.wakeToken {
                    var drained: UInt64 = 0
                    _ = read(poller.wakeDescriptor, &drained, MemoryLayout<UInt64>.size)
                } else if let connect = inFlight[token] {
                    end(token, outcome(descriptor: connect.descriptor, events: events[index]))
                }
            }
            resumeFinished()
        }
    }

    /// False when the loop cannot run at all; a namespace that cannot be entered only makes every
    /// check fail with the reason.
    private func setUp() -> Bool {
        epoll = vigil_epoll_create()
        guard epoll >= 0, poller.wakeDescriptor >= 0,
            vigil_epoll_add_readable(epoll, poller.wakeDescriptor, Self.wakeToken) == 0
        else { return false }
        guard let path = poller.networkNamespacePath else { return true }
        let namespace = open(path, O_RDONLY | O_CLOEXEC)
        guard namespace >= 0 else {
            setupFailure = "cannot open \(path): \(Self.describe(errno))"
            return true
        }
        defer { close(namespace) }
        if vigil_enter_net_namespace(namespace) != 0 {
            setupFailure = "cannot enter \(path): \(Self.describe(errno))"
        }
        return true
    }

    private func start(_ request: TCPConnectPoller.Request) {
        if let setupFailure {
            return finished.append((request.token, request.continuation, .failure(CheckFailure(.error, setupFailure))))
        }
        let endpoint = request.endpoint
        let remote = endpoint.address.networkBytes
        let local = endpoint.bindAddress?.networkBytes ?? []
        var connectError: CInt = 0
        let descriptor = remote.withUnsafeBufferPointer { remote in
            local.withUnsafeBufferPointer { local in
                withOptionalCString(endpoint.bindInterface) { interface in
                    vigil_tcp_connect_start(
                        remote.baseAddress, CInt(remote.count), CInt(clamping: endpoint.port),
                        local.baseAddress, CInt(local.count), CInt(clamping: endpoint.bindPort ?? 0),
                        interface, CInt(truncatingIfNeeded: endpoint.firewallMark ?? -1), Self.socketType, &connectError)
                }
            }
        }
        guard descriptor >= 0 else {
            let failure = CheckFailure(.error, "cannot set up the socket: \(Self.describe(-descriptor))")
            return finished.append((request.token, request.continuation, .failure(failure)))
        }
        switch connectError {
        case 0:
            vigil_close_with_reset(descriptor)
            finished.append((request.token, request.continuation, .success))
        case EINPROGRESS:
            guard vigil_epoll_add_connecting(epoll, descriptor, request.token) == 0 else {
                let failure = CheckFailure(.error, "epoll_ctl: \(Self.describe(errno))")
                vigil_close_with_reset(descriptor)
                return finished.append((request.token, request.continuation, .failure(failure)))
            }
            inFlight[request.token] = InFlight(descriptor: descriptor, continuation: request.continuation)
            deadlines.insert(deadline: Self.deadline(after: endpoint.connectTimeout), token: request.token)
        default:
            vigil_close_with_reset(descriptor)
            finished.append(
                (request.token, request.continuation, .failure(ConnectionFailure.classify(errno: connectError))))
        }
    }

    private func outcome(descriptor: CInt, events: UInt32) -> CheckOutcome {
        let error = vigil_socket_error(descriptor)
        if error != 0 { return .failure(ConnectionFailure.classify(errno: error)) }
        if events & UInt32(EPOLLOUT.rawValue) != 0 { return .success }
        return .failure(CheckFailure(.reset, "connection closed while connecting"))
    }

    /// Closes the connect's socket (a reset) and queues its continuation; no-op if it already ended.
    private func end(_ token: UInt64, _ outcome: CheckOutcome) {
        guard let connect = inFlight.removeValue(forKey: token) else { return }
        vigil_close_with_reset(connect.descriptor)
        finished.append((token, connect.continuation, outcome))
    }

    private func expireDeadlines() {
        let now = vigil_monotonic_nanoseconds()
        while let token = deadlines.popExpired(now: now) {
            end(token, .failure(CheckFailure(.timeout, "connect did not complete within connect_timeout")))
        }
    }

    /// Forgets the finished tokens in one lock, then resumes their callers outside it.
    private func resumeFinished() {
        guard !finished.isEmpty else { return }
        poller.handover.withLock { state in
            for entry in finished { state.live.remove(entry.token) }
        }
        for entry in finished { entry.continuation.resume(returning: entry.outcome) }
        finished.removeAll(keepingCapacity: true)
    }

    /// Milliseconds until the soonest deadline, rounded up; -1 (wait for ever) when none.
    private func epollTimeoutMilliseconds() -> CInt {
        guard let soonest = deadlines.soonest else { return -1 }
        let now = vigil_monotonic_nanoseconds()
        guard soonest > now else { return 0 }
        return CInt(clamping: (soonest - now + 999_999) / 1_000_000)
    }

    private func stop() {
        for token in Array(inFlight.keys) { end(token, TCPConnectPoller.stoppedOutcome) }
        let queued = poller.handover.withLock { state in
            state.stopped = true
            defer { state.queued.removeAll() }
            return state.queued
        }
        for request in queued { finished.append((request.token, request.continuation, TCPConnectPoller.stoppedOutcome)) }
        resumeFinished()
        if epoll >= 0 { close(epoll) }
    }

    private static func deadline(after timeout: Duration) -> UInt64 {
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = UInt64(clamping: max(0, seconds)) &* 1_000_000_000 &+ UInt64(clamping: max(0, attoseconds / 1_000_000_000))
        return vigil_monotonic_nanoseconds() &+ nanoseconds
    }

    private static func describe(_ code: CInt) -> String {
        String(cString: strerror(code)).lowercased()
    }
}

private func withOptionalCString<Result>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> Result) -> Result {
    guard let text else { return body(nil) }
    return text.withCString { body($0) }
}

extension IPAddress {
    /// The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
    fileprivate var networkBytes: [UInt8] {
        switch self {
        case .v4(let address): address.octets
        case .v6(let address): address.bytes
        }
    }
}
