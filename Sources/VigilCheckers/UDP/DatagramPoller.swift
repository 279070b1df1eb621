import CLinuxExtras
import Dispatch
import Glibc
import Synchronization

/// One thread that waits, with poll(2), on every datagram probe socket still waiting for its
/// reply, and hands each readable (or failed) socket to its waiter.
///
/// poll rather than a dispatch read source, because a socket error alone (an ICMP error with no
/// datagram) raises POLLERR, which dispatch does not report to read sources. Sockets are closed on
/// this thread, between two polls, so no read can race a close or a reused descriptor.
final class DatagramPoller: Sendable {
    static let shared = DatagramPoller()

    private struct State {
        var waiting: [CInt: DatagramWaiter] = [:]
        var closing: [CInt] = []
    }

    private let state = Mutex(State())
    /// An eventfd that interrupts poll when the set of sockets changes.
    private let wake: CInt

    private init() {
        wake = vigil_wake_fd()
        DispatchQueue(label: "vigil.check.datagram-poller").async { [self] in run() }
    }

    /// Watches the waiter's socket from now on.
    func add(_ waiter: DatagramWaiter) {
        state.withLock { $0.waiting[waiter.descriptor] = waiter }
        vigil_wake(wake)
    }

    /// Stops watching `descriptor` and closes it.
    func remove(_ descriptor: CInt) {
        state.withLock { state in
            state.waiting[descriptor] = nil
            state.closing.append(descriptor)
        }
        vigil_wake(wake)
    }

    private func run() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var drain: UInt64 = 0
        while true {
            let (descriptors, closing) = state.withLock { state -> ([CInt], [CInt]) in
                defer { state.closing = [] }
                return (Array(state.waiting.keys), state.closing)
            }
            for descriptor in closing { close(descriptor) }
            var entries = [pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
            entries += descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&entries, nfds_t(entries.count), -1) > 0 else { continue }
            if entries[0].revents != 0 { _ = read(wake, &drain, MemoryLayout<UInt64>.size) }
            for entry in entries.dropFirst() where entry.revents != 0 {
                let waiter = state.withLock { $0.waiting[entry.fd] }
                waiter?.ready(hasError: entry.revents & Int16(POLLERR) != 0, buffer: &buffer)
            }
        }
    }
}
