#if canImport(Glibc)
import Glibc
#endif
import CLinuxExtras
import Dispatch
import Synchronization

/// A link going up or down, by interface index.
public struct LinkChange: Sendable, Hashable {
    public let interfaceIndex: Int32
    /// Administratively up and with carrier (IFF_UP and IFF_RUNNING).
    public let isUp: Bool
}

/// Link state changes from rtnetlink (RTMGRP_LINK), for track_interface and the instance's own
/// interface; only real changes of up/down are passed on, not every attribute update.
public final class LinkMonitor: Sendable {
    private let state: RawSocketState
    public let changes: AsyncStream<LinkChange>

    /// Opens the monitor in this (or the named) network namespace.
    public init(namespace: String? = nil) throws {
        let fd = try NetworkNamespace.perform(in: namespace) { vigil_link_monitor_socket() }
        guard fd >= 0 else { throw VRRPSocketError.errno("rtnetlink link monitor") }
        let state = RawSocketState(fd: fd)
        self.state = state
        let (stream, continuation) = AsyncStream.makeStream(of: LinkChange.self, bufferingPolicy: .bufferingNewest(256))
        changes = stream
        DispatchQueue(label: "vigil.link-monitor").async { Self.run(state, into: continuation) }
    }

    deinit { state.stop() }

    /// Stops the monitor; `changes` finishes.
    public func close() { state.stop() }

    /// Whether `interface` is up and running now; nil when it does not exist.
    public static func isRunning(_ interface: String) -> Bool? {
        switch vigil_interface_is_running(interface) {
        case 1: true
        case 0: false
        default: nil
        }
    }

    private static func run(_ state: RawSocketState, into sink: AsyncStream<LinkChange>.Continuation) {
        defer { sink.finish() }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var known: [Int32: Bool] = [:]
        var indexes = [Int32](repeating: 0, count: 64)
        var up = [Int32](repeating: 0, count: 64)
        while state.running.load(ordering: .relaxed) {
            guard RawSocketReceiver.waitReadable(state) else { continue }
            while true {
                let count = buffer.withUnsafeMutableBytes { recv(state.fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
                guard count > 0 else { break }
                let parsed = buffer.withUnsafeBufferPointer { bytes in
                    indexes.withUnsafeMutableBufferPointer { indexPointer in
                        up.withUnsafeMutableBufferPointer { upPointer in
                            vigil_parse_link_messages(bytes.baseAddress, count, indexPointer.baseAddress, upPointer.baseAddress, 64)
                        }
                    }
                }
                for entry in 0..<Int(parsed) {
                    let change = LinkChange(interfaceIndex: indexes[entry], isUp: up[entry] != 0)
                    guard known[change.interfaceIndex] != change.isUp else { continue }
                    known[change.interfaceIndex] = change.isUp
                    sink.yield(change)
                }
            }
        }
    }
}
