import Testing
import VigilConfig
import VigilCore

/// Helpers shared by the LVS and checker suites.
enum LVSTestSupport {
    static func load(_ text: String) -> LoadResult { ConfigLoader.load(text: text) }

    /// The 1-based line of the first line containing `marker` (so tests need not count lines).
    static func line(of marker: String, in text: String, occurrence: Int = 1) -> Int {
        var seen = 0
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where line.contains(marker) {
            seen += 1
            if seen == occurrence { return index + 1 }
        }
        return -1
    }

    /// Diagnostics of one severity whose message contains `fragment`, in file order.
    static func find(_ result: LoadResult, _ severity: Severity, _ fragment: String) -> [Diagnostic] {
        result.diagnostics.sorted.filter { $0.severity == severity && $0.message.contains(fragment) }
    }

    static func firstServer(_ result: LoadResult) -> VirtualServer? { result.configuration.lvs.virtualServers.first }
}

@Suite("LVS: virtual servers, groups and real servers")
struct LVSSectionTests {
    typealias Support = LVSTestSupport

    static let tutorial = """
        virtual_server 192.0.2.100 80 {
            delay_loop 6
            lb_algo rr
            lb_kind DR
            protocol TCP

            real_server 192.0.2.2 80 {
                weight 1
                TCP_CHECK{
                    connect_timeout 3
                    retry 3
                    delay_before_retry 3
                }
            }
            real_server 192.0.2.3 80 {
                weight 2
                TCP_CHECK {
                    connect_timeout 3
                    retry 3
                    delay_before_retry 3
                }
            }
        }
        """

    @Test("the tutorial's virtual server reads cleanly with every value and its line")
    func tutorialServer() throws {
        let result = Support.load(Self.tutorial)
        #expect(result.diagnostics.all.isEmpty, "\(result.diagnostics.all)")
        let server = try #require(Support.firstServer(result))
        guard case .address(let address, let port) = server.target else {
            Issue.record("expected an address target")
            return
        }
        #expect(address.value == IPAddress("192.0.2.100"))
        #expect(port.value == 80)
        #expect(server.location.line == 1)
        #expect(server.delayLoop.value == Seconds(6))
        #expect(server.delayLoop.location?.line == 2)
        #expect(server.lvsSched.value == .rr)
        #expect(server.lvsSched.location?.line == 3)
        #expect(server.lvsMethod.value == .dr)
        #expect(server.lvsMethod.location?.line == 4)
        #expect(server.protocol.value == .tcp)
        #expect(server.protocol.location?.line == 5)
        #expect(server.realServers.count == 2)
        let first = server.realServers[0]
        #expect(first.address.value == IPAddress("192.0.2.2"))
        #expect(first.port.value == 80)
        #expect(first.location.line == 7)
        #expect(first.weight.value == 1)
        #expect(first.weight.location?.line == 8)
        #expect(first.lvsMethod.value == .dr)
        #expect(first.lvsMethod.location?.line == 4, "inherited from the virtual server's lb_kind line")
        #expect(server.realServers[1].weight.value == 2)
        #expect(server.totalWeight == 3)
        let checker = try #require(first.checkers.first)
        #expect(checker.type == .tcp)
        #expect(checker.location.line == 9)
        let connection = try #require(checker.connection)
        let timing = try #require(checker.timing)
        #expect(connection.connectTimeout.value == Seconds(3))
        #expect(connection.connectTimeout.location?.line == 10)
        #expect(timing.retry.value == 3)
        #expect(timing.retry.location?.line == 11)
        #expect(timing.delayBeforeRetry.value == Seconds(3))
        #expect(timing.delayBeforeRetry.location?.line == 12)
        #expect(timing.delayLoop.value == Seconds(6), "delay_loop comes down from the virtual server")
        #expect(timing.delayLoop.location?.line == 2)
        #expect(timing.warmup.value == Seconds(6), "warmup defaults to the checker's delay_loop")
        #expect(timing.warmup.location == nil)
    }

    @Test("the tutorial dumps as virtual_servers / real_servers / checkers with a type key")
    func tutorialDump() throws {
        let result = Support.load(Self.tutorial)
        let json = try ConfigDump.json(result.configuration)
        #expect(json.contains("\"virtual_servers\""))
        #expect(json.contains("\"real_servers\""))
        #expect(json.contains("\"checkers\""))
        #expect(json.contains("\"type\" : \"TCP_CHECK\""))
        #expect(json.contains("\"lvs_sched\" : \"rr\""))
        #expect(json.contains("\"lvs_method\" : \"DR\""))
        #expect(json.contains("\"protocol\" : \"TCP\""))
        #expect(json.contains("\"address\" : \"192.0.2.100\""))
        #expect(json.contains("\"connect_timeout\" : 3"))
        #expect(json.contains("\"virtual_server_groups\" : ["))
        #expect(!json.contains("location"))
    }

    @Test("keepalived's defaults apply when nothing is written")
    func defaults() throws {
        let text = """
            virtual_server 192.0.2.100 443 {
                protocol TCP
                real_server 192.0.2.2 443 {
                    TCP_CHECK {
                    }
                }
            }
            """
        let result = Support.load(text)
        #expect(result.diagnostics.all.isEmpty, "\(result.diagnostics.all)")
        let server = try #require(Support.firstServer(result))
        #expect(server.delayLoop == .defaulted(Seconds(60)))
        #expect(server.lvsSched == .defaulted(.wlc))
        #expect(server.lvsMethod == .defaulted(.nat))
        #expect(server.connectTimeout == .defaulted(Seconds(5)))
        #expect(server.quorum == .defaulted(1))
        #expect(server.hysteresis == .defaulted(0))
        #expect(server.persistenceTimeout == nil)
        #expect(server.alpha.value == false && server.omega.value == false && server.haSuspend.value == false)
        let realServer = try #require(server.realServers.first)
        #expect(realServer.weight == .defaulted(1))
        #expect(realServer.inhibitOnFailure.value == false)
        let timing = try #require(realServer.checkers.first?.timing)
        #expect(timing.retry == .defaulted(1))
        #expect(timing.delayBeforeRetry == .defaulted(Seconds(1)))
        #expect(timing.warmup == .defaulted(Seconds(60)))
        #expect(realServer.checkers.first?.connection?.connectTimeout == .defaulted(Seconds(5)))
    }

    @Test("every virtual_server keyword is read, with the newer and older spellings")
    func allVirtualServerKeywords() throws {
        let text = """
            virtual_server 192.0.2.100 5060 {
                delay_loop 2.5
                lvs_sched sh
                sh-port
                sh-fallback
                flag-1
                lvs_method TUN type gue port 6080 csum
                protocol udp
                ops
                persistence_timeout 600
                persistence_granularity 255.255.255.0
                persistence_engine sip
                ha_suspend
                smtp_alert yes
                virtualhost www.example.com
                alpha
                omega
                quorum 2
                hysteresis 1
                quorum_up "/usr/local/bin/quorum up" nobody nogroup
                quorum_down /usr/local/bin/quorum-down
                ip_family inet
                sorry_server 198.51.100.9 5060
                sorry_server_inhibit
                sorry_server_lvs_method NAT
                connect_timeout 4
                retry 2
                delay_before_retry 7
                warmup 0
                inhibit_on_failure
                weight 3
                real_server 192.0.2.2 5060 {
                    PING_CHECK {
                    }
                }
            }
            """
        let result = Support.load(text)
        #expect(result.diagnostics.all.isEmpty, "\(result.diagnostics.all)")
        let server = try #require(Support.firstServer(result))
        #expect(server.delayLoop.value == Seconds(2.5))
        #expect(server.lvsSched.value == .sh)
        #expect(server.schedulerFlags.map(\.value) == [.flag1, .shPort, .shFallback])
        #expect(server.schedulerFlags.first { $0.value == .shPort }?.location?.line == 4)
        #expect(server.lvsMethod.value == .tun)
        #expect(server.tunnel?.value == LVSTunnel(type: .gue, port: 6080, checksum: .csum))
        #expect(server.tunnel?.location?.line == 7)
        #expect(server.protocol.value == .udp)
        #expect(server.ops.value)
        #expect(server.persistenceTimeout?.value == 600)
        #expect(server.persistenceGranularity?.value == 24)
        #expect(server.persistenceEngine?.value == "sip")
        #expect(server.haSuspend.value)
        #expect(server.smtpAlert?.value == true)
        #expect(server.virtualhost?.value == "www.example.com")
        #expect(server.alpha.value && server.omega.value)
        #expect(server.quorum.value == 2 && server.hysteresis.value == 1)
        #expect(server.quorumUp?.value == LVSNotifyScript(command: "/usr/local/bin/quorum up", user: "nobody", group: "nogroup"))
        #expect(server.quorumDown?.value.command == "/usr/local/bin/quorum-down")
        #expect(server.ipFamily?.value == .inet)
        let sorry = try #require(server.sorryServer)
        #expect(sorry.address.value == IPAddress("198.51.100.9"))
        #expect(sorry.port.value == 5060)
        #expect(sorry.inhibit.value)
        #expect(sorry.lvsMethod.value == .nat)
        #expect(sorry.tunnel == nil)
        #expect(sorry.location.line == 23)
        #expect(server.connectTimeout.value == Seconds(4))
        #expect(server.retry?.value == 2)
        #expect(server.delayBeforeRetry?.value == Seconds(7))
        #expect(server.warmup?.value == Seconds(0))
        #expect(server.inhibitOnFailure.value)
        let realServer = try #require(server.realServers.first)
        #expect(realServer.weight.value == 3, "the virtual server's weight is the real servers' default")
        #expect(realServer.weight.location?.line == 31)
        #expect(realServer.tunnel?.value.type == .gue)
        #expect(realServer.inhibitOnFailure.location?.line == 30)
        #expect(realServer.virtualhost?.value == "www.example.com")
        let timing = try #require(realServer.checkers.first?.timing)
        #expect(timing.retry.value == 2)
        #expect(timing.retry.location?.line == 27)
        #expect(timing.delayBeforeRetry.value == Seconds(7))
        #expect(timing.warmup.value == Seconds(0))
        #expect(timing.alpha.value && timing.alpha.location?.line == 16)
        #expect(realServer.checkers.first?.connection?.connectTimeout.location?.line == 26)
    }

    @Test("every real_server keyword is read and overrides the virtual server")
    func allRealServerKeywords() throws {
        let text = """
            virtual_server 192.0.2.100 80 {
                protocol TCP
                lb_kind NAT
                delay_loop 10
                real_server 192.0.2.2 8080 {
                    weight 5
                    lvs_method DR
                    notify_up /usr/local/bin/up
                    notify_down "/usr/local/bin/down now" nobody
                    uthreshold 1000
                    lthreshold 10
                    smtp_alert off
                    virtualhost rs.example.com
                    alpha on
                    connect_timeout 2
                    retry 4
                    delay_before_retry 5
                    warmup 6
                    delay_loop 7
                    inhibit_on_failure yes
                    HTTP_GET {
                        url {
                            path /health
                        }
                    }
                }
            }
            """
        let result = Support.load(text)
        let realServer = try #require(Support.firstServer(result)?.realServers.first)
        #expect(realServer.port.value == 8080)
        #expect(realServer.port.location?.line == 5)
        #expect(realServer.weight.value == 5)
        #expect(realServer.lvsMethod.value == .dr && realServer.lvsMethod.location?.line == 7)
        #expect(realServer.notifyUp?.value.command == "/usr/local/bin/up")
        #expect(realServer.notifyDown?.value == LVSNotifyScript(command: "/usr/local/bin/down now", user: "nobody"))
        #expect(realServer.uthreshold?.value == 1000 && realServer.lthreshold?.value == 10)
        #expect(realServer.smtpAlert?.value == false)
        #expect(realServer.alpha.value && realServer.alpha.location?.line == 14)
        #expect(realServer.connectTimeout.value == Seconds(2))
        #expect(realServer.retry?.value == 4)
        #expect(realServer.delayBeforeRetry?.value == Seconds(5))
        #expect(realServer.warmup?.value == Seconds(6))
        #expect(realServer.delayLoop.value == Seconds(7) && realServer.delayLoop.location?.line == 19)
        #expect(realServer.inhibitOnFailure.value)
        guard case .http(let check) = realServer.checkers.first else {
            Issue.record("expected an HTTP_GET checker")
            return
        }
        #expect(check.timing.delayLoop.value == Seconds(7))
        #expect(check.timing.retry.value == 4)
        #expect(check.timing.alpha.location?.line == 14)
        #expect(check.urls.first?.virtualhost?.value == "rs.example.com")
        // DR cannot change the port: keepalived resets it to the virtual server's.
        let portWarnings = Support.find(result, .warning, "cannot change ports")
        #expect(portWarnings.count == 1)
        #expect(portWarnings.first?.location.line == 5)
    }

    @Test("fwmark and group services, and groups with every entry form")
    func fwmarkAndGroups() throws {
        let text = """
            virtual_server_group WEB {
                192.0.2.1 80
                192.0.2.3-10 80
                192.0.2.250-192.0.3.10 8080
                192.0.2.16/29 443
                203.0.113.5
                fwmark 7
            }
            virtual_server_group WEB6 {
                2001:db8::1-20 443
                fwmark 9 inet6
            }
            virtual_server group WEB {
                protocol TCP
                persistence_timeout 300
                real_server 192.0.2.50 80 {
                }
            }
            virtual_server fwmark 12 {
                lb_kind DR
                real_server 192.0.2.60 {
                }
            }
            """
        let result = Support.load(text)
        #expect(result.diagnostics.all.isEmpty, "\(result.diagnostics.all)")
        let lvs = result.configuration.lvs
        #expect(lvs.virtualServerGroups.map(\.name) == ["WEB", "WEB6"])
        let web = lvs.virtualServerGroups[0]
        #expect(web.location.line == 1)
        let ranges = web.addressRanges.map { "\($0.first)-\($0.last):\($0.port.map(String.init) ?? "none")@\($0.location.line)" }
        #expect(ranges == [
            "192.0.2.1-192.0.2.1:80@2", "192.0.2.3-192.0.2.10:80@3", "192.0.2.250-192.0.3.10:8080@4",
            "192.0.2.16-192.0.2.23:443@5", "203.0.113.5-203.0.113.5:none@6",
        ])
        #expect(web.fwmarks.map(\.fwmark) == [7])
        #expect(web.fwmarks.first?.ipFamily == nil)
        #expect(web.fwmarks.first?.location.line == 7)
        let web6 = lvs.virtualServerGroups[1]
        #expect(web6.addressRanges.first?.last == IPAddress("2001:db8::20"))
        #expect(web6.fwmarks.first?.ipFamily == .inet6)
        guard case .group(let name) = lvs.virtualServers[0].target else {
            Issue.record("expected a group target")
            return
        }
        #expect(name.value == "WEB" && name.location?.line == 13)
        guard case .fwmark(let mark) = lvs.virtualServers[1].target else {
            Issue.record("expected a fwmark target")
            return
        }
        #expect(mark.value == 12)
        #expect(lvs.virtualServers[1].realServers.first?.port.value == 0)
        #expect(lvs.virtualServers[1].addressFamily == .ipv4)
    }

    @Test("a virtual_server without an address, fwmark or group is an error naming the forms")
    func missingTarget() throws {
        let text = """
            virtual_server {
                real_server 192.0.2.2 80 {
                }
            }
            virtual_server fwmrk 5 {
            }
            virtual_server 192.0.2.1 70000 {
            }
            virtual_server group {
            }
            """
        let result = Support.load(text)
        #expect(result.configuration.lvs.virtualServers.isEmpty)
        let missing = Support.find(result, .error, "virtual_server needs an address")
        #expect(missing.count == 1)
        #expect(missing.first?.location.line == 1)
        #expect(missing.first?.expected?.contains("virtual_server fwmark N") == true)
        let misspelt = Support.find(result, .error, "'fwmrk' is not an IP address")
        #expect(misspelt.first?.location.line == 5)
        #expect(misspelt.first?.hint == "did you mean 'fwmark'?")
        let port = Support.find(result, .error, "virtual_server port 70000 is out of range")
        #expect(port.first?.location.line == 7)
        #expect(port.first?.location.column == 26)
        #expect(Support.find(result, .error, "'virtual_server group' needs a group name").first?.location.line == 9)
    }

    @Test("a service without a port becomes persistent, as in keepalived")
    func portlessService() throws {
        let text = """
            virtual_server 192.0.2.100 {
                protocol TCP
                real_server 192.0.2.2 {
                }
            }
            virtual_server 192.0.2.101 {
                protocol TCP
                persistence_timeout
                real_server 192.0.2.2 {
                }
            }
            """
        let result = Support.load(text)
        let warnings = Support.find(result, .warning, "has no port")
        #expect(warnings.count == 1)
        #expect(warnings.first?.location.line == 1)
        let servers = result.configuration.lvs.virtualServers
        #expect(servers[0].persistenceTimeout == .defaulted(360))
        #expect(servers[1].persistenceTimeout?.value == 360)
        #expect(servers[1].persistenceTimeout?.location?.line == 8)
    }

    @Test("unknown lb_kind and lb_algo are errors with a did-you-mean")
    func badMethodAndScheduler() throws {
        let text = """
            virtual_server 192.0.2.100 80 {
                protocol TCP
                lb_kind DRR
                lb_algo rrr
                real_server 192.0.2.2 80 {
                    lvs_method TUN type gue
                }
            }
            """
        let result = Support.load(text)
        let kind = Support.find(result, .error, "lb_kind 'DRR' is not valid")
        #expect(kind.first?.location.line == 3)
        #expect(kind.first?.hint == "did you mean 'DR'?")
        #expect(kind.first?.expected == "one of NAT, DR, TUN")
        let algo = Support.find(result, .error, "lb_algo 'rrr' is not valid")
        #expect(algo.first?.location.line == 4)
        #expect(algo.first?.hint == "did you mean 'rr'?")
        let gue = Support.find(result, .error, "a gue tunnel needs a port")
        #expect(gue.first?.location.line == 6)
    }

    @Test("weight outside 0 to 2147483647 is an error at the value")
    func weightRange() throws {
        let text = """
            virtual_server 192.0.2.100 80 {
                protocol TCP
                real_server 192.0.2.2 80 {
                    weight -1
                }
                real_server 192.0.2.3 80 {
                    weight 2147483648
                }
                real_server 192.0.2.4 80 {
                    weight 0
                }
            }
            """
        let result = Support.load(text)
        let errors = Support.find(result, .error, "weight")
        #expect(errors.map(\.location.line) == [4, 7])
        #expect(errors.first?.expected == "an integer from 0 to 2147483647")
        #expect(Support.firstServer(result)?.realServers[2].weight.value == 0)
    }

    @Test("real and sorry servers must share the service's family unless tunnelled")
    func familyMismatch() throws {
        let text = """
            virtual_server 192.0.2.100 80 {
                protocol TCP
                lb_kind DR
                sorry_server 2001:db8::9 80
                real_server 2001:db8::2 80 {
                }
                real_server 2001:db8::3 80 {
                    lvs_method TUN
                }
                real_server 192.0.2.4 80 {
                }
            }
            virtual_server fwmark 3 {
                real_server 2001:db8::5 80 {
                    lvs_method NAT
                }
                real_server 192.0.2.6 80 {
                    lvs_method NAT
                }
            }
            """
        let result = Support.load(text)
        let errors = Support.find(result, .error, "is IPv6 but").map(\.location.line)
        #expect(errors == [4, 5])
        let fwmarkErrors = Support.find(result, .error, "192.0.2.6 is IPv4 but real_server 2001:db8::5 (line 14)")
        #expect(fwmarkErrors.map(\.location.line) == [17])
        #expect(fwmarkErrors.first?.expected?.contains("lvs_method TUN") == true)
    }

    @Test("a group reference must name a virtual_server_group")
    func groupReference() throws {
        let text = """
            virtual_server_group WEBSITE {
                192.0.2.1 80
            }
            virtual_server group WEBSITES {
                protocol TCP
                real_server 192.0.2.2 80 {
                }
            }
            virtual_server group WEBSITE {
                protocol TCP
                real_server 192.0.2.2 80 {
                }
            }
            """
        let result = Support.load(text)
        let errors = Support.find(result, .error, "refers to no virtual_server_group")
        #expect(errors.count == 1)
        #expect(errors.first?.location.line == 4)
        #expect(errors.first?.location.column == 22)
        #expect(errors.first?.hint == "did you mean 'WEBSITE'?")
    }

    @Test("group mistakes: bad entries, mixed families without fwmark family, duplicates, empty groups")
    func groupMistakes() throws {
        let text = """
            virtual_server_group MIXED {
                192.0.2.1 80
                2001:db8::1 80
                fwmark 5
                bogus 80
                192.0.2.9-3 80
                192.0.2.1 99999
            }
            virtual_server_group MIXED {
                192.0.2.7 80
            }
            virtual_server_group EMPTY {
            }
            virtual_server group MIXED {
                protocol TCP
                real_server 192.0.2.2 80 {
                }
            }
            """
        let result = Support.load(text)
        #expect(Support.find(result, .error, "needs a family").map(\.location.line) == [4])
        #expect(Support.find(result, .error, "'bogus' in virtual_server_group MIXED").map(\.location.line) == [5])
        #expect(Support.find(result, .error, "ends before it starts").map(\.location.line) == [6])
        #expect(Support.find(result, .error, "virtual_server_group port 99999 is out of range").map(\.location.line) == [7])
        #expect(Support.find(result, .error, "already defined at line 1").map(\.location.line) == [9])
        #expect(Support.find(result, .warning, "EMPTY has no entries").map(\.location.line) == [12])
        #expect(Support.find(result, .error, "not tunnelled, but the group mixes IPv4 and IPv6").map(\.location.line) == [16])
    }

    @Test("keepalived's corrections are warnings at the right lines")
    func correctionWarnings() throws {
        let text = """
            virtual_server 192.0.2.100 80 {
                lb_algo rr
                ops
                mh-port
                quorum 5
                hysteresis 7
                real_server 192.0.2.2 80 {
                    weight 2
                }
                real_server 192.0.2.2 80 {
                }
            }
            virtual_server 192.0.2.101 80 {
                protocol TCP
            }
            virtual_server fwmark 4 {
                protocol TCP
                ha_suspend
                sorry_server_inhibit
                real_server 192.0.2.2 {
                }
            }
            """
        let result = Support.load(text)
        #expect(Support.find(result, .warning, "has no 'protocol'; keepalived then uses UDP").map(\.location.line) == [1])
        #expect(Support.firstServer(result)?.protocol == .defaulted(.udp))
        #expect(Support.find(result, .warning, "'mh-port' only applies to the mh scheduler").map(\.location.line) == [4])
        #expect(Support.find(result, .warning, "is already in virtual_server 192.0.2.100:80 (line 7)").map(\.location.line) == [10])
        #expect(Support.find(result, .warning, "quorum 5 is more than the total weight 2").map(\.location.line) == [5])
        #expect(Support.find(result, .warning, "hysteresis 7 is not below quorum 2").map(\.location.line) == [6])
        #expect(Support.find(result, .warning, "has no real_server").map(\.location.line) == [13])
        #expect(Support.find(result, .warning, "'protocol' has no effect on virtual_server fwmark 4").map(\.location.line) == [17])
        #expect(Support.find(result, .warning, "'ha_suspend' cannot be used with a fwmark service").map(\.location.line) == [18])
        #expect(Support.find(result, .warning, "'sorry_server_inhibit' has no effect without 'sorry_server'").map(\.location.line) == [19])
        // ops with the UDP default is fine; no warning about it.
        #expect(Support.find(result, .warning, "'ops'").isEmpty)
        #expect(result.diagnostics.errors.isEmpty, "\(result.diagnostics.errors)")
    }

    @Test("ops with TCP, bad granularity, unknown persistence engine, duplicate services")
    func serviceMistakes() throws {
        let text = """
            virtual_server 192.0.2.100 80 {
                protocol TCP
                ops
                persistence_granularity 255.0.255.0
                persistence_engine http
                real_server 192.0.2.2 80 {
                }
            }
            virtual_server 192.0.2.100 80 {
                protocol TCP
                real_server 192.0.2.3 80 {
                }
            }
            virtual_server 192.0.2.100 80 {
                protocol UDP
                real_server 192.0.2.3 80 {
                }
            }
            """
        let result = Support.load(text)
        #expect(Support.find(result, .warning, "'ops' (one-packet scheduling) only works with UDP").map(\.location.line) == [3])
        #expect(Support.find(result, .error, "not a contiguous netmask").map(\.location.line) == [4])
        #expect(Support.find(result, .error, "persistence_engine 'http' is not known").map(\.location.line) == [5])
        let duplicates = Support.find(result, .error, "virtual_server 192.0.2.100:80 is already defined at line 1")
        #expect(duplicates.map(\.location.line) == [9], "the UDP service on the same address and port is distinct")
    }

    @Test("unsupported and unknown keywords are warnings with a reason or a suggestion")
    func unsupportedAndUnknown() throws {
        let text = """
            virtual_server 192.0.2.100 80 {
                protocol TCP
                snmp_name web
                delay_lop 5
                real_server 192.0.2.2 80 {
                    snmp_name rs
                    weigth 3
                }
            }
            """
        let result = Support.load(text)
        let unsupported = Support.find(result, .warning, "'snmp_name'")
        #expect(unsupported.map(\.location.line) == [3, 6])
        #expect(unsupported.first?.message.contains("SNMP is not implemented") == true)
        let unknown = Support.find(result, .warning, "unknown keyword")
        #expect(unknown.map(\.location.line) == [4, 7])
        #expect(unknown.map { $0.hint ?? "" } == ["did you mean 'delay_loop'?", "did you mean 'weight'?"])
    }

    @Test("the SSL block is read")
    func sslBlock() throws {
        let text = """
            SSL {
                password secret
                ca /etc/ssl/ca.pem
                certificate /etc/ssl/client.pem
                key /etc/ssl/client.key
            }
            """
        let result = Support.load(text)
        let ssl = try #require(result.configuration.lvs.ssl)
        #expect(ssl.location.line == 1)
        #expect(ssl.password?.value == "secret")
        #expect(ssl.ca?.value == "/etc/ssl/ca.pem")
        #expect(ssl.certificate?.location?.line == 4)
        #expect(ssl.key?.value == "/etc/ssl/client.key")
        #expect(Support.find(result, .warning, "unknown keyword").isEmpty)
    }

    @Test("the unsupported table names only LVS blocks and gives every entry a reason")
    func unsupportedTable() {
        let blocks = Set(["virtual_server", "real_server", "url", "SSL", "virtual_server_group", "host"])
            .union(CheckerType.allCases.map(\.rawValue))
        for entry in LVSSection.unsupportedKeywords {
            #expect(blocks.contains(entry.block), "\(entry.block)")
            #expect(!entry.reason.isEmpty)
        }
    }
}
