import Testing
import VigilCheck
import VigilConfig

@Suite("CheckIdentity: labels and index paths")
struct CheckIdentityTests {
    static let text = """
        virtual_server 192.0.2.10 80 {
            protocol TCP
            real_server 198.51.100.2 80 {
                TCP_CHECK {
                }
                HTTP_GET {
                    url {
                        path /
                    }
                }
                HTTP_GET {
                    url {
                        path /health
                    }
                }
            }
            real_server 198.51.100.2 80 {
                TCP_CHECK {
                }
            }
            real_server 198.51.100.3 80 {
                TCP_CHECK {
                }
            }
        }
        virtual_server 2001:db8::10 80 {
            protocol TCP
            real_server 2001:db8::2 80 {
                TCP_CHECK {
                }
            }
        }
        virtual_server fwmark 1 {
            real_server 198.51.100.4 80 {
                TCP_CHECK {
                }
            }
        }
        virtual_server_group WEB {
            192.0.2.30 443
        }
        virtual_server group WEB {
            protocol UDP
            real_server 198.51.100.5 443 {
                UDP_CHECK {
                }
            }
        }
        """

    @Test("labels for address, IPv6, fwmark and group services, numbered repeats of a checker kind")
    func labels() {
        let configuration = CheckTestSupport.load(Self.text)
        let identities = CheckIdentity.all(in: configuration.lvs.virtualServers)
        let rows = identities.map { "\($0.index) \($0.virtualServer) \($0.realServer) \($0.checker)" }
        #expect(rows == [
            "0.0.0 192.0.2.10:80/tcp 198.51.100.2:80 TCP_CHECK",
            "0.0.1 192.0.2.10:80/tcp 198.51.100.2:80 HTTP_GET",
            "0.0.2 192.0.2.10:80/tcp 198.51.100.2:80 HTTP_GET#2",
            "0.2.0 192.0.2.10:80/tcp 198.51.100.3:80 TCP_CHECK",
            "1.0.0 [2001:db8::10]:80/tcp [2001:db8::2]:80 TCP_CHECK",
            "2.0.0 fwmark:1/inet 198.51.100.4:80 TCP_CHECK",
            "3.0.0 group:WEB/udp 198.51.100.5:443 UDP_CHECK",
        ])
        #expect(identities[1].type == .http)
        #expect(!identities.contains { $0.index.realServer == 1 && $0.index.virtualServer == 0 }, "the repeated real server gets no checks")
    }

    @Test("index paths order lexicographically")
    func ordering() {
        let paths = [
            CheckerIndex(virtualServer: 1, realServer: 0, checker: 0), CheckerIndex(virtualServer: 0, realServer: 2, checker: 0),
            CheckerIndex(virtualServer: 0, realServer: 1, checker: 5), CheckerIndex(virtualServer: 0, realServer: 1, checker: 4),
        ]
        #expect(paths.sorted().map(\.description) == ["0.1.4", "0.1.5", "0.2.0", "1.0.0"])
    }
}
