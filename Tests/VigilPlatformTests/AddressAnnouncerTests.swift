import Foundation
import Testing
import VigilCore
@testable import VigilPlatform

/// tshark capturing on h2's eth0 into a file until it has `count` announcements or 15 s passed.
private final class Capture {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-capture-\(UUID().uuidString).pcapng").path
    let process = Process()

    init(namespace: String, count: Int) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/ip")
        // It stops by itself (-c, -a): signals are unreliable here, since a test runner may ignore
        // them and children inherit that. The capture filter keeps MLD and RS traffic out.
        process.arguments = [
            "netns", "exec", namespace, "tshark", "-q", "-i", "eth0", "-f", "arp or (icmp6 and ip6[40] == 136)",
            "-c", String(count), "-a", "duration:15", "-w", file,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        // tshark says "Capturing on 'eth0'" once the capture really runs.
        var seen = ""
        let handle = errors.fileHandleForReading
        let deadline = Date().addingTimeInterval(20)
        while !seen.contains("Capturing on") && Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        guard seen.contains("Capturing on") else { throw LabFailure(description: "tshark did not start: \(seen)") }
    }

    /// Stops the capture and returns tshark's reading of it with `fields` for packets matching `filter`.
    func stop(filter: String, fields: [String]) throws -> [[String]] {
        process.waitUntilExit()
        let arguments = ["-r", file, "-Y", filter, "-T", "fields", "-E", "separator=|"] + fields.flatMap { ["-e", $0] }
        let output = try shell("tshark " + arguments.map { "'\($0)'" }.joined(separator: " ") + " 2>/dev/null")
        return output.split(separator: "\n").map { $0.split(separator: "|", omittingEmptySubsequences: false).map(String.init) }
    }

    /// Expert-info lines at warning or error level for the whole capture.
    func expertWarnings() throws -> [String] {
        let output = try shell("tshark -r '\(file)' -q -z expert,warn 2>/dev/null")
        return output.split(separator: "\n").map(String.init).filter { $0.contains("Warning") || $0.contains("Error") }
            .filter { !$0.hasPrefix("=") }
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(atPath: file)
    }
}

@Suite(
    "Gratuitous ARP and unsolicited NA, judged by tshark", .serialized,
    .enabled(if: getuid() == 0, "NEEDS ROOT: creates network namespaces and captures (CI runs as root)"))
struct AddressAnnouncerTests {
    @Test("Byte layout of a gratuitous ARP request")
    func arpBytes() {
        let frame = Announcements.gratuitousARP(for: IPv4Address(192, 0, 2, 100), from: [2, 0, 0, 0, 0, 1])
        #expect(frame.count == 42)
        #expect(Array(frame[0..<6]) == [0xff, 0xff, 0xff, 0xff, 0xff, 0xff])
        #expect(Array(frame[12..<14]) == [0x08, 0x06])
        #expect(Array(frame[20..<22]) == [0, 1], "request")
        #expect(Array(frame[28..<32]) == [192, 0, 2, 100])
        #expect(Array(frame[38..<42]) == [192, 0, 2, 100])
    }

    @Test("On the wire: GARP sender = target = VIP from our MAC; NA from the VIP to ff02::1, hop limit 255, O set", .timeLimit(.minutes(1)))
    func onTheWire() async throws {
        let lab = try TwoHostLab()
        try shell("ip -n \(lab.h1) addr add 2001:db8::100/64 dev eth0 nodad")
        try shell("ip -n \(lab.h1) addr add 192.0.2.100/24 dev eth0")
        let capture = try Capture(namespace: lab.h2, count: 6)
        // dumpcap attaches a moment after tshark says it is capturing.
        try await Task.sleep(for: .seconds(1))
        let announcer = try AddressAnnouncer(interface: "eth0", namespace: lab.h1)
        for _ in 0..<3 {
            try announcer.announce(IPv4Address(192, 0, 2, 100))
            try announcer.announce(try #require(IPv6Address("2001:db8::100")))
        }
        let mac = announcer.hardwareAddress.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined(separator: ":")
        let arps = try capture.stop(
            filter: "arp", fields: ["arp.opcode", "arp.src.hw_mac", "arp.src.proto_ipv4", "arp.dst.proto_ipv4", "arp.isgratuitous", "eth.dst"])
        #expect(arps.count == 3)
        for arp in arps {
            #expect(arp == ["1", mac, "192.0.2.100", "192.0.2.100", "1", "ff:ff:ff:ff:ff:ff"])
        }
        let advertisements = try capture.stop(
            filter: "icmpv6.type == 136",
            fields: ["ipv6.src", "ipv6.dst", "ipv6.hlim", "icmpv6.nd.na.flag.o", "icmpv6.nd.na.flag.s", "icmpv6.nd.na.flag.r",
                     "icmpv6.nd.na.target_address", "icmpv6.opt.linkaddr", "icmpv6.checksum.status"])  // status 1: good
        #expect(advertisements.count == 3)
        for advertisement in advertisements {
            #expect(advertisement == ["2001:db8::100", "ff02::1", "255", "1", "0", "0", "2001:db8::100", mac, "1"])
        }
        #expect(try capture.expertWarnings() == [])
    }
}
