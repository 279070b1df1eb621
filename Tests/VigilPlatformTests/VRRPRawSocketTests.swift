import Foundation
import Testing
import VigilCore
@testable import VigilPlatform

/// Two hosts of our own, h1 and h2, joined by a veth pair (eth0 on each), documentation addresses.
final class TwoHostLab {
    let prefix = "vigil-raw-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
    var h1: String { prefix + "-h1" }
    var h2: String { prefix + "-h2" }

    init() throws {
        for host in [h1, h2] {
            try shell("ip netns add \(host)")
            // DAD off, or the link-local address stays tentative and cannot be bound.
            try shell("ip netns exec \(host) sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0")
        }
        try shell("ip -n \(h1) link add eth0 type veth peer name eth0 netns \(h2)")
        try shell("ip -n \(h1) addr add 192.0.2.1/24 dev eth0")
        try shell("ip -n \(h2) addr add 192.0.2.2/24 dev eth0")
        try shell("ip -n \(h1) link set eth0 up")
        try shell("ip -n \(h2) link set eth0 up")
    }

    func linkLocal(_ host: String) throws -> IPv6Address {
        let output = try shell("ip -n \(host) -6 -o addr show dev eth0 scope link")
        guard let word = output.split(separator: " ").first(where: { $0.hasPrefix("fe80::") }),
            let address = IPv6Address(String(word.split(separator: "/")[0]))
        else { throw LabFailure(description: "no link-local address on \(host): \(output)") }
        return address
    }

    deinit {
        for host in [h1, h2] { _ = try? shell("ip netns del \(host)") }
    }
}

struct LabFailure: Error, CustomStringConvertible { let description: String }

@discardableResult
func shell(_ command: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard process.terminationStatus == 0 else { throw LabFailure(description: "\(command): \(text)") }
    return text
}

/// Sends `message` every 100 ms (30 tries) until `receiver` yields a datagram; nil if none came.
/// One consumer reads the stream throughout: cancelling a reader would end an AsyncStream for good.
private func exchange(_ message: [UInt8], from sender: VRRPRawSocket, to receiver: VRRPRawSocket) async throws -> ReceivedDatagram? {
    let consumer = Task { () -> ReceivedDatagram? in
        for await datagram in receiver.datagrams { return datagram }
        return nil
    }
    let sending = Task {
        for _ in 0..<30 {
            try sender.send(message, to: sender.group)
            try await Task.sleep(for: .milliseconds(100))
        }
        receiver.close()  // nothing came: finish the stream so the consumer returns nil
    }
    let received = await consumer.value
    sending.cancel()
    return received
}

@Suite(
    "VRRP raw sockets between two namespaces", .serialized,
    .enabled(if: getuid() == 0, "NEEDS ROOT: creates network namespaces (CI runs as root)"))
struct VRRPRawSocketTests {
    @Test("IPv4: to 224.0.0.18 with TTL 255 and TOS 0xc0, seen on the peer's interface", .timeLimit(.minutes(1)))
    func ipv4() async throws {
        let lab = try TwoHostLab()
        let sender = try VRRPRawSocket(family: .ipv4, interface: "eth0", namespace: lab.h1)
        let receiver = try VRRPRawSocket(family: .ipv4, interface: "eth0", namespace: lab.h2)
        let message: [UInt8] = [0x21, 0x33, 0x64, 0x01, 0x01, 0x01, 0x00, 0x00, 192, 0, 2, 100, 0, 0, 0, 0, 0, 0, 0, 0]
        let datagram = try #require(try await exchange(message, from: sender, to: receiver), "nothing arrived")
        #expect(datagram.bytes.count == 20 + message.count)
        #expect(datagram.bytes[0] == 0x45)
        #expect(datagram.bytes[1] == 0xc0, "TOS")
        #expect(datagram.bytes[8] == 255, "TTL")
        #expect(datagram.bytes[9] == 112, "protocol")
        #expect(Array(datagram.bytes[20...]) == message)
        #expect(datagram.source == .v4(IPv4Address(192, 0, 2, 1)))
        #expect(datagram.destination == .v4(IPv4Address(224, 0, 0, 18)))
        #expect(datagram.interfaceIndex == receiver.interfaceIndex)
        #expect(datagram.hopLimit == nil)
        sender.close()
        receiver.close()
    }

    @Test("IPv6: from the link-local address to ff02::12 with hop limit 255", .timeLimit(.minutes(1)))
    func ipv6() async throws {
        let lab = try TwoHostLab()
        let source = try lab.linkLocal(lab.h1)
        let sender = try VRRPRawSocket(family: .ipv6, interface: "eth0", source: .v6(source), namespace: lab.h1)
        let receiver = try VRRPRawSocket(family: .ipv6, interface: "eth0", namespace: lab.h2)
        let message: [UInt8] = [0x31, 0x33, 0x64, 0x01, 0x00, 0x64, 0x00, 0x00] + Array(repeating: 0x20, count: 16)
        let datagram = try #require(try await exchange(message, from: sender, to: receiver), "nothing arrived")
        #expect(datagram.bytes == message)
        #expect(datagram.hopLimit == 255)
        #expect(datagram.source == .v6(source))
        #expect(datagram.destination == sender.group)
        #expect(datagram.interfaceIndex == receiver.interfaceIndex)
    }

    @Test("A missing interface is a clear error")
    func missingInterface() throws {
        #expect(throws: VRRPSocketError.self) { try VRRPRawSocket(family: .ipv4, interface: "nosuch0") }
    }
}
