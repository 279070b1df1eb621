import Testing
@testable import VigilConfig
import VigilCore

/// Random bytes and random mutations of valid configurations: the reader must always return.
@Suite("Randomized input never crashes or hangs the reader", .timeLimit(.minutes(3)))
struct RandomInputTests {
    static let seeds: [String] = [
        validInstance + virtualServer,
        """
        $P=100
        global_defs {
            router_id R1
            notification_email { a@example.org b@example.org }
            smtp_server 192.0.2.25 25
        }
        vrrp_script chk { script "/bin/true arg" interval 2 weight -20 }
        vrrp_sync_group G { group { VI_1 } }
        @main vrrp_instance VI_1 {
            interface eth0
            virtual_router_id 7
            priority $P
            track_script { chk }
            unicast_peer { 192.0.2.2 }
            virtual_ipaddress { 192.0.2.10/24 dev eth0 label eth0:1 }
            virtual_routes { 198.51.100.0/24 via 192.0.2.1 }
        }
        ~SEQ(i, 1, 3) virtual_server 203.0.113.${i} 80 { lb_kind NAT real_server 198.51.100.${i} 8080 { HTTP_GET { url { path / status_code 200 } } } }
        include conf.d/*.conf
        """,
    ]

    static let alphabet: [UInt8] = Array("{}\"'\\$@~!#=/.:- \t\n0123456789abcdefxyzSEQLST()_,".utf8)

    @Test("2,500 random byte strings")
    func randomBytes() {
        var random = SplitMix64(seed: 0xC0FFEE)
        for case_ in 0..<2_500 {
            let length = Int(random.next() % 400)
            let pick = random.next() % 2 == 0
            let bytes: [UInt8] = (0..<length).map { _ in
                pick ? Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))] : UInt8(truncatingIfNeeded: random.next() | 1)
            }
            check(bytes, case: case_)
        }
    }

    @Test("2,500 mutations of valid configurations")
    func mutations() {
        var random = SplitMix64(seed: 0xBADC0DE)
        for case_ in 0..<2_500 {
            var bytes = Array(Self.seeds[case_ % Self.seeds.count].utf8)
            let edits = 1 + Int(random.next() % 8)
            for _ in 0..<edits where !bytes.isEmpty {
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 5 {
                case 0: bytes.remove(at: position)
                case 1: bytes.insert(Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))], at: position)
                case 2: bytes[position] = Self.alphabet[Int(random.next() % UInt64(Self.alphabet.count))]
                case 3:
                    // Duplicate a slice, which tends to create nesting and repeated keywords.
                    let end = min(bytes.count, position + Int(random.next() % 64))
                    bytes.insert(contentsOf: bytes[position..<end], at: position)
                default: bytes.removeSubrange(position..<min(bytes.count, position + Int(random.next() % 32)))
                }
            }
            check(bytes, case: case_)
        }
    }

    /// Loads the bytes; every diagnostic must point into a file that was read (or the main file) at a sane line.
    private func check(_ bytes: [UInt8], case index: Int) {
        let fs = InMemoryFileSystem(bytes: ["/r/main.conf": bytes, "/r/conf.d/a.conf": bytes.filter { $0 != 0 }.prefix(200).map { $0 }])
        var limits = PreprocessorLimits()
        limits.maxLines = 20_000
        let result = ConfigLoader.load(path: "/r/main.conf", fileSystem: fs, options: LoadOptions(configId: "main", limits: limits))
        for diagnostic in result.diagnostics.all {
            let valid = diagnostic.location.line >= 1 && diagnostic.location.column >= 1 && !diagnostic.message.isEmpty
            if !valid {
                Issue.record("case \(index): bad diagnostic \(diagnostic)")
                return
            }
        }
    }
}
