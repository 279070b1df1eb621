import Testing
@testable import VigilConfig
import VigilCore
import VigilTestSupport

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
        """
        child_wait_time 5
        global_defs {
            smtp_connect_timeout 30
            vrrp_garp_interval 0.5
            vrrp_gna_interval 1
            vrrp_garp_master_delay 5
            vrrp_garp_master_repeat 5
            vrrp_garp_master_refresh 60
            vrrp_priority -5
            max_auto_priority 50
            min_auto_priority_delay 1000
            lvs_timeouts tcp 900 tcpfin 120 udp 300
            lvs_sync_daemon eth1 id 5 maxlen 1400 port 8848 ttl 2
            vrrp_down_timer_adverts 3
            vrrp_startup_delay 5
            startup_script_timeout 10
        }
        track_file tf { file /run/x weight 10 init_file 5 overwrite }
        vrrp_track_process tp { process sshd quorum 1 quorum_max 3 delay 2 weight 10 }
        interface_up_down_delays { eth0 2 3 }
        vrrp_instance V3 {
            interface eth0
            version 3
            virtual_router_id 200
            priority 254
            advert_int 0.05
            preempt_delay 30
            garp_master_refresh 10
            garp_lower_prio_repeat 2
            unicast_ttl 64
            unicast_peer { 192.0.2.5 min_ttl 250 max_ttl 255 }
            track_file { tf weight 2 }
            track_process { tp weight -10 }
            track_interface { eth1 weight 20 }
            kernel_rx_buf_size 65536
            virtual_ipaddress { 192.0.2.50/24 preferred_lft 30 }
            virtual_routes { 198.51.100.0/24 via 192.0.2.1 metric 10 table 100 }
            virtual_rules { from 192.0.2.0/24 table 100 priority 100 fwmark 0x10/0xff sport 1024-2048 }
        }
        virtual_server fwmark 17 {
            delay_loop 3
            lb_algo wrr
            lb_kind NAT
            persistence_timeout 600
            persistence_granularity 255.255.255.0
            quorum 2
            hysteresis 1
            sorry_server 203.0.113.9 8080
            real_server 198.51.100.1 80 {
                weight 3
                uthreshold 100
                lthreshold 10
                MISC_CHECK { misc_path "/bin/true" misc_timeout 5 }
                UDP_CHECK { connect_port 53 min_reply_length 4 max_reply_length 512 }
                HTTP_GET { url { path / status_code 200-299 } connect_port 80 retry 2 delay_before_retry 1 warmup 5 }
                DNS_CHECK { type A name example.org }
                FILE_CHECK { track_file tf weight 7 }
            }
        }
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

    @Test("every number in the seeds replaced by extreme values")
    func extremeNumbers() {
        let extremes = ["0", "-1", "4294967296", "9223372036854775807", "-9223372036854775808", "99999999999999999999",
                        "1e308", "0x7fffffffffffffff", "0xffffffffffffffffff", "2147483648", "65536", "256", "0.000001", "1.5", "."]
        for (seedIndex, seed) in Self.seeds.enumerated() {
            for (extremeIndex, extreme) in extremes.enumerated() {
                // Replace each run of digits in turn, one per variant, so every numeric setting meets every extreme.
                let bytes = Array(seed.utf8)
                var runs: [Range<Int>] = []
                var index = 0
                while index < bytes.count {
                    guard bytes[index] >= 48 && bytes[index] <= 57 else {
                        index += 1
                        continue
                    }
                    let start = index
                    while index < bytes.count && ((bytes[index] >= 48 && bytes[index] <= 57) || bytes[index] == 46) { index += 1 }
                    runs.append(start..<index)
                }
                for run in runs {
                    var mutated = bytes
                    mutated.replaceSubrange(run, with: Array(extreme.utf8))
                    check(mutated, case: seedIndex * 1_000 + extremeIndex)
                }
            }
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
