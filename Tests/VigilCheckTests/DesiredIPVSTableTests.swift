import Testing
import VigilCheck
import VigilConfig
import VigilCore
import VigilIPVS

@Suite("DesiredIPVSTable: configuration plus health to the IPVS table")
struct DesiredIPVSTableTests {
    typealias Support = CheckTestSupport

    static let vip = CheckTestSupport.ip("192.0.2.10")
    static let web1 = CheckTestSupport.ip("198.51.100.2")
    static let web2 = CheckTestSupport.ip("198.51.100.3")
    static let sorry = CheckTestSupport.ip("203.0.113.9")
    static let service = IPVSServiceKey.address(.tcp, vip, port: 80)

    /// Two checked real servers behind 192.0.2.10:80, with extra virtual server lines.
    static func config(_ extra: String = "", method: String = "DR", firstPort: Int = 80, realServerExtra: String = "") -> String {
        """
        virtual_server 192.0.2.10 80 {
            delay_loop 6
            lvs_sched wrr
            lvs_method \(method)
            protocol TCP
        \(extra)
            real_server 198.51.100.2 \(firstPort) {
                weight 2
        \(realServerExtra)
                TCP_CHECK {
                    connect_timeout 3
                }
            }
            real_server 198.51.100.3 80 {
                weight 3
                TCP_CHECK {
                    connect_timeout 3
                }
            }
        }
        """
    }

    struct Fixture {
        let configuration: Configuration
        var health: [VirtualServerHealth]

        init(_ text: String) {
            configuration = CheckTestSupport.load(text)
            health = configuration.lvs.virtualServers.map(VirtualServerHealth.init(virtualServer:))
        }

        var table: IPVSTable {
            DesiredIPVSTable.make(
                virtualServers: configuration.lvs.virtualServers, groups: configuration.lvs.virtualServerGroups, health: health)
        }

        @discardableResult
        mutating func set(_ realServer: Int, up: Bool, virtualServer: Int = 0, weight: Int? = nil) -> VirtualServerHealthChange {
            health[virtualServer].update(realServer: realServer, checker: 0, isUp: up, weight: weight)
        }

        func weights(_ key: IPVSServiceKey = DesiredIPVSTableTests.service) -> [IPAddress: Int32] {
            Dictionary(uniqueKeysWithValues: (table.destinations[key] ?? [:]).values.map { ($0.key.address, $0.weight) })
        }
    }

    @Test("all real servers up: the service with every destination, its scheduler and forwarding")
    func allUp() throws {
        let fixture = Fixture(Self.config())
        let table = fixture.table
        let service = try #require(table.services[Self.service])
        #expect(table.services.count == 1)
        #expect(service.scheduler == "wrr" && service.persistenceTimeout == nil && service.persistencePrefixLength == 32 && service.flags == 0)
        let destinations = try #require(table.destinations[Self.service])
        #expect(destinations[IPVSDestinationKey(address: Self.web1, port: 80)] == IPVSDestination(
            key: IPVSDestinationKey(address: Self.web1, port: 80), forwarding: .directRoute, weight: 2))
        #expect(fixture.weights() == [Self.web1: 2, Self.web2: 3])
    }

    @Test("a down real server leaves the table and comes back when it recovers")
    func downIsAbsent() {
        var fixture = Fixture(Self.config())
        #expect(fixture.set(0, up: false).realServer == [.down(cause: 0)])
        #expect(fixture.weights() == [Self.web2: 3])
        fixture.set(0, up: true)
        #expect(fixture.weights() == [Self.web1: 2, Self.web2: 3])
    }

    @Test("inhibit_on_failure keeps a down real server with weight 0 instead of removing it")
    func inhibitOnFailure() {
        var fixture = Fixture(Self.config(realServerExtra: "        inhibit_on_failure"))
        fixture.set(0, up: false)
        fixture.set(1, up: false)
        #expect(fixture.weights() == [Self.web1: 0], "only the first real server inhibits")
        fixture.set(0, up: true)
        #expect(fixture.weights() == [Self.web1: 2])
    }

    @Test("losing the quorum swaps the live real servers for the sorry server, gaining it swaps back")
    func sorryServerInAndOut() {
        var fixture = Fixture(Self.config("""
                quorum 3
                sorry_server 203.0.113.9 8080
                sorry_server_lvs_method NAT
            """))
        #expect(fixture.health[0].quorum.isUp)
        #expect(fixture.weights() == [Self.web1: 2, Self.web2: 3])

        let lost = fixture.set(1, up: false)
        #expect(lost.quorum == .lost)
        let destinations = fixture.table.destinations[Self.service] ?? [:]
        #expect(destinations.count == 1)
        #expect(destinations[IPVSDestinationKey(address: Self.sorry, port: 8080)]?.forwarding == .masquerade)
        #expect(destinations[IPVSDestinationKey(address: Self.sorry, port: 8080)]?.weight == 1)

        #expect(fixture.set(1, up: true).quorum == .gained)
        #expect(fixture.weights() == [Self.web1: 2, Self.web2: 3])
    }

    @Test("with the default quorum the sorry server comes in once no real server is alive")
    func sorryServerWhenAllDown() {
        var fixture = Fixture(Self.config("    sorry_server 203.0.113.9 80"))
        fixture.set(0, up: false)
        #expect(fixture.weights() == [Self.web2: 3])
        #expect(fixture.set(1, up: false).quorum == .lost)
        #expect(fixture.weights() == [Self.sorry: 1])
        #expect(fixture.table.destinations[Self.service]?.values.first?.forwarding == .directRoute, "the virtual server's method")
    }

    @Test("sorry_server_inhibit keeps the sorry server at weight 0 while the quorum holds; inhibited real servers go to 0 without it")
    func sorryServerInhibit() {
        var fixture = Fixture(Self.config("""
                quorum 5
                inhibit_on_failure
                sorry_server 203.0.113.9 80
                sorry_server_inhibit
            """))
        #expect(fixture.weights() == [Self.web1: 2, Self.web2: 3, Self.sorry: 0])
        fixture.set(0, up: false)
        #expect(fixture.weights() == [Self.web1: 0, Self.web2: 0, Self.sorry: 1], "live web2 is inhibited too")
        fixture.set(0, up: true)
        #expect(fixture.weights() == [Self.web1: 2, Self.web2: 3, Self.sorry: 0])
    }

    @Test("without a sorry server a lost quorum leaves the live real servers in place")
    func quorumLostWithoutSorry() {
        var fixture = Fixture(Self.config("    quorum 5"))
        #expect(fixture.set(1, up: false).quorum == .lost)
        #expect(fixture.weights() == [Self.web1: 2])
    }

    @Test("quorum with hysteresis: weight inside the band neither brings in nor removes the sorry server")
    func hysteresisAndSorry() {
        // Weights 2 and 3: quorum 3 ± 1 means gain at 4, loss below 2.
        var fixture = Fixture(Self.config("""
                quorum 3
                hysteresis 1
                sorry_server 203.0.113.9 80
            """))
        #expect(fixture.set(1, up: false).quorum == nil, "2 is inside the band")
        #expect(fixture.weights() == [Self.web1: 2])
        #expect(fixture.set(0, up: false).quorum == .lost)
        #expect(fixture.set(0, up: true).quorum == nil, "2 is inside the band: the sorry server stays")
        #expect(fixture.weights() == [Self.sorry: 1])
        #expect(fixture.set(1, up: true).quorum == .gained)
        #expect(fixture.weights() == [Self.web1: 2, Self.web2: 3])
    }

    @Test("a real server with an alpha checker is absent until the checker passes")
    func alphaStartsAbsent() {
        var fixture = Fixture(Self.config("    alpha"))
        #expect(fixture.weights() == [:])
        #expect(!fixture.health[0].quorum.isUp)
        fixture.set(1, up: true)
        #expect(fixture.weights() == [Self.web2: 3])
    }

    @Test("misc_dynamic weight goes into the table")
    func miscDynamicWeight() {
        var fixture = Fixture(Self.config())
        fixture.set(0, up: true, weight: 40)
        #expect(fixture.weights() == [Self.web1: 40, Self.web2: 3])
        #expect(fixture.health[0].liveWeight == 43)
    }

    @Test("NAT keeps the real server's port; DR uses the service's")
    func ports() {
        let nat = Fixture(Self.config(method: "NAT", firstPort: 8080))
        let natKeys = Set((nat.table.destinations[Self.service] ?? [:]).keys)
        #expect(natKeys == [IPVSDestinationKey(address: Self.web1, port: 8080), IPVSDestinationKey(address: Self.web2, port: 80)])
        #expect(nat.table.destinations[Self.service]?.values.allSatisfy { $0.forwarding == .masquerade } == true)
        let direct = Fixture(Self.config(method: "DR", firstPort: 8080))
        let directKeys = Set((direct.table.destinations[Self.service] ?? [:]).keys)
        #expect(directKeys == [IPVSDestinationKey(address: Self.web1, port: 80), IPVSDestinationKey(address: Self.web2, port: 80)])
    }

    @Test("scheduler flags, one-packet scheduling and persistence become service settings")
    func serviceSettings() throws {
        let fixture = Fixture("""
            virtual_server 192.0.2.10 53 {
                lvs_sched sh
                sh-port
                sh-fallback
                flag-3
                mh-port
                protocol UDP
                ops
                persistence_timeout 600
                persistence_granularity 255.255.255.0
                lvs_method TUN
                real_server 198.51.100.2 53 {
                    uthreshold 100
                    lthreshold 10
                }
            }
            """)
        let key = IPVSServiceKey.address(.udp, Self.vip, port: 53)
        let service = try #require(fixture.table.services[key])
        #expect(service.flags == 0x0004 | 0x0008 | 0x0010 | 0x0020, "mh-port does not apply to sh")
        #expect(service.persistenceTimeout == 600 && service.persistencePrefixLength == 24)
        let destination = try #require(fixture.table.destinations[key]?.values.first)
        #expect(destination.forwarding == .tunnel && destination.upperThreshold == 100 && destination.lowerThreshold == 10)
        #expect(destination.weight == 1, "no real server checkers: always up")
    }

    @Test("fwmark and IPv6 services")
    func fwmarkAndIPv6() throws {
        let fixture = Fixture("""
            virtual_server fwmark 1 {
                lvs_method DR
                real_server 198.51.100.2 {
                    TCP_CHECK {
                        connect_port 80
                    }
                }
            }
            virtual_server 2001:db8::10 443 {
                protocol TCP
                lvs_method NAT
                real_server 2001:db8::2 8443 {
                }
            }
            """)
        let table = fixture.table
        let mark = IPVSServiceKey.firewallMark(1, .ipv4)
        #expect(table.services[mark]?.scheduler == "wlc", "keepalived's default scheduler")
        #expect(table.destinations[mark].map { Array($0.keys) } == [IPVSDestinationKey(address: Self.web1, port: 0)])
        let v6 = IPVSServiceKey.address(.tcp, CheckTestSupport.ip("2001:db8::10"), port: 443)
        #expect(table.services[v6]?.persistencePrefixLength == 128)
        #expect(table.destinations[v6].map { Array($0.keys) } == [IPVSDestinationKey(address: CheckTestSupport.ip("2001:db8::2"), port: 8443)])
    }

    @Test("a group target expands to each address and fwmark of its virtual_server_group")
    func groupExpansion() {
        let fixture = Fixture("""
            virtual_server_group WEB {
                192.0.2.20-22 80
                fwmark 7
            }
            virtual_server group WEB {
                protocol TCP
                lvs_method DR
                real_server 198.51.100.2 80 {
                }
            }
            """)
        let table = fixture.table
        let expected: Set<IPVSServiceKey> = [
            .address(.tcp, CheckTestSupport.ip("192.0.2.20"), port: 80), .address(.tcp, CheckTestSupport.ip("192.0.2.21"), port: 80),
            .address(.tcp, CheckTestSupport.ip("192.0.2.22"), port: 80), .firewallMark(7, .ipv4),
        ]
        #expect(Set(table.services.keys) == expected)
        #expect(table.destinations[.firewallMark(7, .ipv4)]?.keys.first == IPVSDestinationKey(address: Self.web1, port: 0))
        #expect(table.destinations[.address(.tcp, CheckTestSupport.ip("192.0.2.21"), port: 80)]?.keys.first == IPVSDestinationKey(address: Self.web1, port: 80))
    }

    @Test("a virtual server without real servers is left out, a repeated real server counts once")
    func ignoredEntries() {
        let fixture = Fixture("""
            virtual_server 192.0.2.11 80 {
                protocol TCP
            }
            virtual_server 192.0.2.10 80 {
                protocol TCP
                real_server 198.51.100.2 80 {
                    weight 2
                }
                real_server 198.51.100.2 80 {
                    weight 9
                }
            }
            """)
        #expect(Array(fixture.table.services.keys) == [Self.service])
        #expect(fixture.weights() == [Self.web1: 2])
        #expect(fixture.health[1].liveWeight == 2)
    }

    @Test("health missing for a virtual server counts as just started")
    func missingHealth() {
        let fixture = Fixture(Self.config())
        let table = DesiredIPVSTable.make(virtualServers: fixture.configuration.lvs.virtualServers, groups: [], health: [])
        #expect(table == fixture.table)
    }
}
