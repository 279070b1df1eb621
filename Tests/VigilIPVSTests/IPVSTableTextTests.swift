import Testing
import VigilCore
import VigilIPVS

@Suite("IPVSTableText")
struct IPVSTableTextTests {
    typealias V = IPVSTestValues

    @Test func listsLikeIpvsadm() {
        let web = V.tcp("192.0.2.10")
        let dns6 = IPVSServiceKey.address(.udp, V.address("2001:db8::53"), port: 53)
        let mark = IPVSServiceKey.firewallMark(7, .ipv4)
        var snapshot = IPVSSnapshot(
            table: V.table([
                (V.service(mark, scheduler: "wlc", persistence: 300), [V.destination("198.51.100.3", 0)]),
                (V.service(dns6, scheduler: "sh"), [V.destination("2001:db8::1", 53, weight: 0, forwarding: .masquerade)]),
                (V.service(web), [V.destination("198.51.100.2", weight: 3), V.destination("198.51.100.1")]),
            ]),
            info: IPVSInfo(version: 0x01_02_01, connectionTableSize: 4096))
        snapshot.destinationStatistics[web] = [
            IPVSDestinationKey(address: V.address("198.51.100.1"), port: 80):
                IPVSDestinationStatistics(activeConnections: 12, inactiveConnections: 345)
        ]
        let expected = """
            IP Virtual Server version 1.2.1 (size=4096)
            Prot LocalAddress:Port Scheduler Flags
              -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
            TCP  192.0.2.10:80 rr
              -> 198.51.100.1:80              Route   1      12         345       \("")
              -> 198.51.100.2:80              Route   3      0          0         \("")
            UDP  [2001:db8::53]:53 sh
              -> [2001:db8::1]:53             Masq    0      0          0         \("")
            FWM  7 wlc persistent 300
              -> 198.51.100.3:0               Route   1      0          0         \("")

            """
        #expect(IPVSTableText.render(snapshot) == expected)
    }

    @Test func withoutInfoThereIsNoVersionLine() {
        let text = IPVSTableText.render(IPVSSnapshot())
        #expect(
            text == "Prot LocalAddress:Port Scheduler Flags\n"
                + "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n")
    }

    @Test(arguments: [
        (IPVSService(key: IPVSTestValues.tcp("192.0.2.1"), scheduler: "rr", persistenceTimeout: 60, persistencePrefixLength: 24),
         "TCP  192.0.2.1:80 rr persistent 60 mask 255.255.255.0"),
        (IPVSService(key: .firewallMark(1, .ipv6), scheduler: "rr", persistenceTimeout: 60, persistencePrefixLength: 64),
         "FWM  1 IPv6 rr persistent 60 mask 64"),
        (IPVSService(key: IPVSTestValues.tcp("192.0.2.1"), scheduler: "sh",
                     flags: IPVSServiceFlags.scheduler1 | IPVSServiceFlags.scheduler2),
         "TCP  192.0.2.1:80 sh (sh-fallback,sh-port)"),
        (IPVSService(key: IPVSTestValues.tcp("192.0.2.1"), scheduler: "wrr", flags: IPVSServiceFlags.scheduler3),
         "TCP  192.0.2.1:80 wrr (flag-3)"),
        (IPVSService(key: .address(.sctp, IPVSTestValues.address("192.0.2.1"), port: 9), scheduler: "rr",
                     flags: IPVSServiceFlags.onePacket),
         "SCTP 192.0.2.1:9 rr ops"),
    ])
    func serviceLines(service: IPVSService, line: String) {
        #expect(IPVSTableText.serviceLine(service) == line)
    }

    @Test func netmaskConversionsAgree() {
        for length in 0...32 {
            #expect(IPVSNetmask.prefixLength(ipv4Mask: IPVSNetmask.ipv4Mask(prefixLength: length)) == length)
        }
        #expect(IPVSNetmask.ipv4Mask(prefixLength: 24) == 0xFFFF_FF00)
        #expect(IPVSNetmask.ipv4Mask(prefixLength: 99) == 0xFFFF_FFFF)
    }

    @Test func infoVersionText() {
        #expect(IPVSInfo(version: 0x01_02_01, connectionTableSize: 4096).versionText == "1.2.1")
    }

    @Test func operationDescriptionsNameEverything() {
        let web = V.tcp("192.0.2.10")
        let real = V.destination("198.51.100.1", weight: 2)
        #expect(IPVSOperation.addService(V.service(web)).description == "add service TCP  192.0.2.10:80 (rr)")
        #expect(
            IPVSOperation.addDestination(web, real).description
                == "add destination 198.51.100.1:80 (Route, weight 2) to TCP  192.0.2.10:80")
        #expect(
            IPVSOperation.deleteDestination(.firewallMark(3, .ipv6), real.key).description
                == "delete destination 198.51.100.1:80 from FWM  3 IPv6")
        let failure = IPVSOperationFailure(
            operation: .deleteService(web), errorNumber: 3, reason: "No such process")
        #expect(failure.description == "delete service TCP  192.0.2.10:80: No such process (errno 3)")
        #expect(
            IPVSUnavailable(.familyNotFound).description
                == "the kernel has no IPVS (generic netlink family IPVS not found); load ip_vs")
    }
}
