import Testing
import VigilConfig
import VigilCore

@Suite("LVS: health checkers")
struct CheckerTests {
    typealias Support = LVSTestSupport

    /// Wraps checker blocks in a virtual and real server; the checkers start on line 5.
    static func config(_ checkers: String, realServer: String = "") -> String {
        """
        virtual_server 192.0.2.100 80 {
            protocol TCP
            delay_loop 10
            real_server 192.0.2.2 80 {
        \(checkers)
        \(realServer)
            }
        }
        """
    }

    static func checkers(_ result: LoadResult) -> [Checker] {
        result.configuration.lvs.virtualServers.first?.realServers.first?.checkers ?? []
    }

    @Test("the shared connection and timing keywords are read with their lines")
    func sharedOptions() throws {
        let text = Self.config("""
            TCP_CHECK {
                connect_ip 192.0.2.20
                connect_port 8080
                bindto 192.0.2.1
                bind_port 4000
                bind_if eth0
                fwmark 17
                connect_timeout 2.5
                retry 0
                delay_before_retry 4
                warmup 8
                delay_loop 9
                alpha yes
                log_all_failures
            }
            """)
        let result = Support.load(text)
        #expect(result.diagnostics.all.isEmpty, "\(result.diagnostics.all)")
        let checker = try #require(Self.checkers(result).first)
        #expect(checker.type == .tcp)
        #expect(checker.location.line == 5)
        let connection = try #require(checker.connection)
        #expect(connection.connectIp?.value == IPAddress("192.0.2.20"))
        #expect(connection.connectIp?.location?.line == 6)
        #expect(connection.connectPort?.value == 8080)
        #expect(connection.bindto?.value == IPAddress("192.0.2.1"))
        #expect(connection.bindPort?.value == 4000)
        #expect(connection.bindIf?.value == "eth0")
        #expect(connection.fwmark?.value == 17)
        #expect(connection.connectTimeout.value == Seconds(2.5))
        let timing = try #require(checker.timing)
        #expect(timing.retry.value == 0)
        #expect(timing.delayBeforeRetry.value == Seconds(4))
        #expect(timing.warmup.value == Seconds(8))
        #expect(timing.delayLoop.value == Seconds(9))
        #expect(timing.delayLoop.location?.line == 16)
        #expect(timing.alpha.value)
        #expect(timing.logAllFailures.value)
    }

    @Test("several checkers of different kinds keep their file order")
    func checkerOrder() {
        let text = Self.config("""
            PING_CHECK {
            }
            TCP_CHECK {
            }
            PING_CHECK {
            }
            """)
        let result = Support.load(text)
        #expect(Self.checkers(result).map(\.type) == [.ping, .tcp, .ping])
        #expect(Self.checkers(result).map(\.location.line) == [5, 7, 9])
    }

    @Test("HTTP_GET reads urls, status codes, digests and inherits the virtual host")
    func httpGet() throws {
        let text = Self.config("""
            HTTP_GET {
                http_protocol 1.1
                fast_recovery
                nb_get_retry 4
                url {
                    path /health
                    digest 9B3A0C85A887A256D6939DA88AABD8CD
                    status_code 200 300-302
                }
                url {
                    path /ready
                    virtualhost ready.example.com
                    regex "^ok"
                    regex_no_match
                    regex_options caseless multiline
                    regex_min_offset 1
                    regex_max_offset 100
                }
            }
            """, realServer: "        virtualhost rs.example.com")
        let result = Support.load(text)
        guard case .http(let check) = Self.checkers(result).first else {
            Issue.record("expected HTTP_GET")
            return
        }
        #expect(check.httpProtocol.value == .http11)
        #expect(check.fastRecovery.value)
        #expect(check.timing.retry.value == 4)
        #expect(check.timing.retry.location?.line == 8)
        #expect(check.timing.delayBeforeRetry == .defaulted(Seconds(3)), "HTTP checkers wait 3 s before a retry by default")
        #expect(check.virtualhost?.value == "rs.example.com")
        #expect(check.urls.count == 2)
        let health = check.urls[0]
        #expect(health.location.line == 9)
        #expect(health.path.value == "/health" && health.path.location?.line == 10)
        #expect(health.digest?.value == "9b3a0c85a887a256d6939da88aabd8cd")
        #expect(health.statusCode.value == [HTTPStatusCodeRange(200, 200), HTTPStatusCodeRange(300, 302)])
        #expect(health.statusCode.location?.line == 12)
        #expect(health.accepts(statusCode: 301) && !health.accepts(statusCode: 204))
        #expect(health.virtualhost?.value == "rs.example.com")
        let ready = check.urls[1]
        #expect(ready.statusCode == .defaulted([HTTPStatusCodeRange(200, 299)]))
        #expect(ready.virtualhost?.value == "ready.example.com")
        #expect(ready.regex?.value == "^ok")
        #expect(ready.regexNoMatch.value)
        #expect(ready.regexOptions.map(\.value) == [.caseless, .multiline])
        #expect(ready.regexMinOffset?.value == 1 && ready.regexMaxOffset?.value == 100)
        let deprecated = Support.find(result, .warning, "'nb_get_retry' is deprecated")
        #expect(deprecated.map(\.location.line) == [8])
        #expect(deprecated.first?.expected == "'retry'")
        #expect(result.diagnostics.all.count == 1, "\(result.diagnostics.all)")
        let json = try ConfigDump.json(result.configuration)
        #expect(json.contains("\"type\" : \"HTTP_GET\""))
        #expect(json.contains("\"status_code\" : [\n"))
        #expect(json.contains("\"300-302\""))
        #expect(json.contains("\"http_protocol\" : \"1.1\""))
    }

    @Test("SSL_GET takes enable_sni and tls_compliant")
    func sslGet() throws {
        let text = Self.config("""
            SSL_GET {
                enable_sni
                tls_compliant
                url {
                    path /
                }
            }
            """)
        let result = Support.load(text)
        #expect(result.diagnostics.all.isEmpty, "\(result.diagnostics.all)")
        guard case .ssl(let check) = Self.checkers(result).first else {
            Issue.record("expected SSL_GET")
            return
        }
        #expect(check.enableSni.value && check.enableSni.location?.line == 6)
        #expect(check.tlsCompliant.value)
        #expect(check.httpProtocol == .defaulted(.http10))
    }

    @Test("bad status codes, digests, missing urls and paths are errors at their lines")
    func httpMistakes() {
        let text = Self.config("""
            HTTP_GET {
                url {
                    path /
                    status_code 99 600 abc 300-200 204
                    digest abc
                }
                url {
                    digest 9b3a0c85a887a256d6939da88aabd8cg
                }
            }
            HTTP_GET {
                connect_timeout 3
            }
            """)
        let result = Support.load(text)
        let codes = Support.find(result, .error, "status_code")
        #expect(codes.map(\.message) == [
            "status_code 99 is out of range", "status_code 600 is out of range",
            "status_code 'abc' is not a status code or range", "status_code range 300-200 ends before it starts",
        ])
        #expect(Set(codes.map(\.location.line)) == [8])
        #expect(codes.first?.expected == "a status code from 100 to 599, or a range such as 200-299")
        let digests = Support.find(result, .error, "digest")
        #expect(digests.map(\.location.line) == [9, 12])
        #expect(digests.first?.message == "digest 'abc' has 3 characters")
        #expect(digests.last?.message.contains("not a hex digit") == true)
        #expect(Support.find(result, .error, "has no 'path'").map(\.location.line) == [11])
        #expect(Support.find(result, .error, "has no 'url' block").map(\.location.line) == [15])
    }

    @Test("a misspelt checker is an unknown keyword with a did-you-mean, and is skipped")
    func misspeltChecker() {
        let text = Self.config("""
            TCP_CHEK {
                connect_timeout 3
            }
            HTTP_GETT {
            }
            """)
        let result = Support.load(text)
        let unknown = Support.find(result, .warning, "unknown keyword")
        #expect(unknown.map(\.location.line) == [5, 8])
        #expect(unknown.map { $0.hint ?? "" } == ["did you mean 'TCP_CHECK'?", "did you mean 'HTTP_GET'?"])
        #expect(unknown.first?.message == "unknown keyword 'TCP_CHEK' in real_server 192.0.2.2 80 is ignored")
        #expect(Self.checkers(result).isEmpty)
    }

    @Test("MISC_CHECK reads its script, timeout, dynamic weight and user")
    func miscCheck() throws {
        let text = Self.config("""
            MISC_CHECK {
                misc_path "/usr/local/bin/check --port 80"
                misc_timeout 5
                misc_dynamic
                user nobody nogroup
            }
            MISC_CHECK {
                misc_path /usr/local/bin/check
                misc_timeout 0
                connect_timeout 3
            }
            MISC_CHECK {
                misc_dynamic
            }
            """)
        let result = Support.load(text)
        let checkers = Self.checkers(result)
        #expect(checkers.count == 2)
        guard case .misc(let first) = checkers.first, case .misc(let second) = checkers.last else {
            Issue.record("expected MISC_CHECKs")
            return
        }
        #expect(first.miscPath.value == "/usr/local/bin/check --port 80")
        #expect(first.miscTimeout.value == Seconds(5) && first.miscTimeout.location?.line == 7)
        #expect(first.miscDynamic.value)
        #expect(first.user?.value == "nobody" && first.group?.value == "nogroup")
        #expect(first.timing.retry == .defaulted(0), "MISC_CHECK retries 0 times by default")
        #expect(checkers.first?.connection == nil)
        #expect(second.miscTimeout == .defaulted(Seconds(10)), "0 means one delay_loop")
        let unknown = Support.find(result, .warning, "unknown keyword 'connect_timeout' in MISC_CHECK")
        #expect(unknown.map(\.location.line) == [14])
        let missing = Support.find(result, .error, "has no 'misc_path'")
        #expect(missing.map(\.location.line) == [16])
    }

    @Test("DNS_CHECK defaults to an SOA query for the root with 3 retries")
    func dnsCheck() throws {
        let text = Self.config("""
            DNS_CHECK {
            }
            DNS_CHECK {
                type aaaa
                name www.example.com
            }
            DNS_CHECK {
                type PTR
            }
            """)
        let result = Support.load(text)
        let checkers = Self.checkers(result)
        guard case .dns(let plain) = checkers.first, case .dns(let named) = checkers.dropFirst().first else {
            Issue.record("expected DNS_CHECKs")
            return
        }
        #expect(plain.type == .defaulted(.soa))
        #expect(plain.name == .defaulted("."))
        #expect(plain.timing.retry == .defaulted(3))
        #expect(plain.timing.delayBeforeRetry == .defaulted(Seconds(10)), "DNS waits one delay_loop before a retry")
        #expect(named.type.value == .aaaa && named.type.location?.line == 8)
        #expect(named.name.value == "www.example.com")
        let bad = Support.find(result, .error, "type 'PTR' is not valid")
        #expect(bad.map(\.location.line) == [12])
        #expect(bad.first?.expected == "one of A, NS, CNAME, SOA, MX, TXT, AAAA")
        let json = try ConfigDump.json(result.configuration)
        #expect(json.contains("\"query_type\" : \"SOA\""))
        #expect(json.contains("\"type\" : \"DNS_CHECK\""))
    }

    @Test("SMTP_CHECK reads helo_name and host blocks")
    func smtpCheck() throws {
        let text = Self.config("""
            SMTP_CHECK {
                helo_name "mail.example.com"
                host {
                    connect_ip 192.0.2.25
                    connect_port 2525
                }
                host {
                    connect_ip 198.51.100.25
                    bindto 192.0.2.1
                    connect_timeout 4
                }
            }
            """)
        let result = Support.load(text)
        guard case .smtp(let check) = Self.checkers(result).first else {
            Issue.record("expected SMTP_CHECK")
            return
        }
        #expect(check.heloName?.value == "mail.example.com")
        #expect(check.hosts.count == 2)
        #expect(check.hosts[0].connectIp?.value == IPAddress("192.0.2.25"))
        #expect(check.hosts[0].connectPort?.value == 2525)
        #expect(check.hosts[0].location.line == 7)
        #expect(check.hosts[1].bindto?.value == IPAddress("192.0.2.1"))
        #expect(Support.find(result, .warning, "unknown keyword 'connect_timeout' in host").map(\.location.line) == [14])
    }

    @Test("UDP_CHECK reads free-form hex payloads and reply patterns")
    func udpCheck() throws {
        let text = Self.config("""
            UDP_CHECK {
                payload Ab12f 3 456
                require_reply 12x4 X
                min_reply_length 2
                max_reply_length 64
            }
            UDP_CHECK {
                require_reply
            }
            UDP_CHECK {
                payload 12zz
                min_reply_length 300
            }
            """)
        let result = Support.load(text)
        let checkers = Self.checkers(result)
        guard case .udp(let first) = checkers.first, case .udp(let second) = checkers.dropFirst().first else {
            Issue.record("expected UDP_CHECKs")
            return
        }
        #expect(first.payload?.value.bytes == [0xAB, 0x12, 0x0F, 0x03, 0x45, 0x06])
        #expect(first.payload?.value.description == "ab120f034506")
        let pattern = try #require(first.requireReply?.value)
        #expect(pattern.description == "12x40x")
        #expect(pattern.matches([0x12, 0x94, 0x05]))
        #expect(!pattern.matches([0x13, 0x04]))
        #expect(first.minReplyLength.value == 2 && first.maxReplyLength.value == 64)
        #expect(second.requireReply?.value.bytes == [], "a bare require_reply accepts any reply")
        #expect(second.maxReplyLength == .defaulted(255))
        #expect(Support.find(result, .error, "payload '12zz' has 'z'").map(\.location.line) == [15])
        #expect(Support.find(result, .error, "min_reply_length 300 is above max_reply_length 255").map(\.location.line) == [16])
    }

    @Test("a minimum reply length above the maximum is an error")
    func udpLengths() {
        let text = Self.config("""
            UDP_CHECK {
                min_reply_length 100
                max_reply_length 10
            }
            """)
        let result = Support.load(text)
        #expect(Support.find(result, .error, "min_reply_length 100 is above max_reply_length 10").map(\.location.line) == [6])
    }

    @Test("FILE_CHECK reads track_file, dynamic and a signed weight with reverse")
    func fileCheck() throws {
        let text = Self.config("""
            FILE_CHECK {
                track_file LOAD
                dynamic
                weight -5 reverse
            }
            FILE_CHECK {
                weight 2 backwards
            }
            FILE_CHECK {
                track_file LOADS
            }
            """) + "\ntrack_file LOAD {\n    file /run/vigil/load\n}\n"
        let result = Support.load(text)
        let checkers = Self.checkers(result)
        #expect(checkers.count == 2)
        guard case .file(let check) = checkers.first else {
            Issue.record("expected FILE_CHECK")
            return
        }
        #expect(check.trackFile.value == "LOAD" && check.trackFile.location?.line == 6)
        #expect(check.dynamic.value)
        #expect(check.weight.value == -5)
        #expect(check.reverse.value && check.reverse.location?.line == 8)
        #expect(checkers.first?.timing == nil && checkers.first?.connection == nil)
        #expect(Support.find(result, .error, "'backwards' after the weight").map(\.location.line) == [11])
        #expect(Support.find(result, .error, "has no 'track_file'").map(\.location.line) == [10])
        let dangling = Support.find(result, .error, "names track_file 'LOADS', which is not defined")
        #expect(dangling.map(\.location.line) == [14])
        #expect(dangling.first?.hint == "did you mean 'LOAD'?")
        #expect(Support.find(result, .error, "'LOAD'").isEmpty)
    }

    @Test("BFD_CHECK is reported as not supported, regex_stack too")
    func unsupportedCheckers() {
        let text = Self.config("""
            BFD_CHECK {
                name BFD_1
            }
            HTTP_GET {
                url {
                    path /
                    regex ok
                    regex_stack 1024 4096
                }
            }
            """)
        let result = Support.load(text)
        let unsupported = Support.find(result, .warning, "is not supported yet")
        #expect(unsupported.map(\.location.line) == [5, 12])
        #expect(unsupported.first?.message.contains("BFD is not implemented") == true)
    }

    @Test("bad checker values: ports, timeouts, regex options, bindto family")
    func checkerValueMistakes() {
        let text = Self.config("""
            TCP_CHECK {
                connect_port 0
                bind_port 70000
                connect_timeout 0
                bindto 2001:db8::1
            }
            HTTP_GET {
                url {
                    path /
                    regex_options caseles
                    regex_no_match
                }
            }
            """)
        let result = Support.load(text)
        #expect(Support.find(result, .error, "connect_port 0 is out of range").map(\.location.line) == [6])
        #expect(Support.find(result, .error, "bind_port 70000 is out of range").map(\.location.line) == [7])
        #expect(Support.find(result, .error, "connect_timeout 0 is out of range").map(\.location.line) == [8])
        let family = Support.find(result, .error, "bindto 2001:db8::1 is IPv6")
        #expect(family.map(\.location.line) == [9])
        #expect(family.first?.message.contains("the real server 192.0.2.2 is IPv4") == true)
        let option = Support.find(result, .error, "regex_options 'caseles' is not valid")
        #expect(option.map(\.location.line) == [14])
        #expect(option.first?.hint == "did you mean 'caseless'?")
        #expect(Support.find(result, .warning, "'regex_no_match' has no effect without 'regex'").map(\.location.line) == [15])
    }
}
