import Glibc
import NIOCore
import VigilCheck

/// What a datagram probe thinks of one received datagram.
enum DatagramVerdict: Sendable {
    /// Not the reply we wait for (another id, a stray packet); keep waiting.
    case ignore
    /// The check is decided.
    case finish(CheckOutcome)
}

/// How one send-and-wait ended.
enum DatagramExchangeEnd: Sendable {
    case finished(CheckOutcome)
    /// Nothing decided the check before the time limit.
    case timedOut
    /// Opening or sending failed, or the socket reported an error (an ICMP error, with IP_RECVERR).
    case socketError(CheckFailure)
    case cancelled
}

/// Opens a socket (`DatagramProbeSocket`), sends one datagram and waits for a datagram the probe
/// accepts, a socket error or connect_timeout. The socket is opened on one of the group's event
/// loop threads, so it lives in that thread's network namespace (as NIO's own sockets do), and the
/// time limit runs on that loop; the wait itself is `DatagramPoller`'s, so no thread is held per
/// probe while thousands wait.
///
/// Not NIO's DatagramChannel: when a connected datagram socket reports an error NIO does not
/// treat as recoverable (anything but ECONNREFUSED: host unreachable, administratively
/// prohibited, or a second POLLERR from the IP_RECVERR error queue), NIO closes the channel
/// through `reset` and `readEOF0`, which asserts (and in release builds hits a precondition) when
/// there is nothing to read. That stopped the test process at the first port-unreachable probe.
enum DatagramExchange {
    static func run(
        _ kinds: [DatagramProbeSocket.Kind], endpoint: ProbeEndpoint, payload: [UInt8], receiveCapacity: Int,
        group: any EventLoopGroup, judge: @escaping @Sendable (DatagramProbeSocket.Kind, [UInt8]) -> DatagramVerdict
    ) async -> DatagramExchangeEnd {
        let loop = group.next()
        let opened: Result<(CInt, DatagramProbeSocket.Kind), DatagramSocketError>
        do {
            opened = try await loop.submit { DatagramProbeSocket.open(kinds, endpoint: endpoint) }.get()
        } catch {
            return .socketError(CheckFailure(.error, "the event loop is gone: \(error)"))
        }
        let descriptor: CInt
        let kind: DatagramProbeSocket.Kind
        switch opened {
        case .success(let result): (descriptor, kind) = result
        case .failure(let error): return .socketError(error.failure)
        }
        let waiter = DatagramWaiter(
            descriptor: descriptor, capacity: max(1, min(receiveCapacity, 65_536)), judge: { judge(kind, $0) })
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                waiter.start(sending: payload, timeout: endpoint.connectTimeout, on: loop, continuation: continuation)
            }
        } onCancel: {
            waiter.finish(.cancelled)
        }
    }
}
