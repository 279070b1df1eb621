import Testing
import VigilCore
import VigilIPVS
import VigilPlatform
import VigilTestSupport

@Suite("IPVS netlink codec")
struct IPVSNetlinkCodecTests {
    typealias B = NetlinkBytes
    typealias V = IPVSTestValues

    private func webServiceMessage(extra: [[UInt8]] = []) -> [UInt8] {
        B.message(
            command: B.Command.newService,
            [
                B.nested(
                    B.Command.attrService,
                    [
                        B.attribute(B.Service.af, B.le16(2)),
                        B.attribute(B.Service.proto, B.le16(6)),
                        B.attribute(B.Service.addr, B.inetAddress(192, 0, 2, 10)),
                        B.attribute(B.Service.port, B.be16(80)),
                        B.attribute(B.Service.scheduler, Array("wlc".utf8) + [0]),
                        // persistent | hashed | one-packet, mask all ones
                        B.attribute(B.Service.flags, B.le32(0x7) + B.le32(.max)),
                        B.attribute(B.Service.timeout, B.le32(300)),
                        B.attribute(B.Service.netmask, [255, 255, 255, 0]),
                        B.stats(B.Service.stats, [1, 2, 3, 4, 5], wide: false),
                        B.stats(B.Service.stats64, [5_000_000_000, 6_000_000_000, 7, 8, 9], wide: true),
                    ] + extra)
            ])
    }

    @Test func decodesAnIPv4ServiceWithItsSixtyFourBitCounters() throws {
        let payload = try #require(IPVSReplyDecoder.genericPayload(webServiceMessage()))
        #expect(payload.command == B.Command.newService)
        let entry = try #require(IPVSReplyDecoder.service(payload.attributes))
        #expect(
            entry.service
                == IPVSService(
                    key: V.tcp("192.0.2.10"), scheduler: "wlc", persistenceTimeout: 300, persistencePrefixLength: 24,
                    flags: IPVSServiceFlags.onePacket))
        #expect(
            entry.statistics
                == IPVSStatistics(
                    connections: 5_000_000_000, incomingPackets: 6_000_000_000, outgoingPackets: 7, incomingBytes: 8,
                    outgoingBytes: 9))
    }

    @Test func fallsBackToThirtyTwoBitCountersOnOldKernels() throws {
        let message = B.message(
            command: B.Command.newService,
            [
                B.nested(
                    B.Command.attrService,
                    [
                        B.attribute(B.Service.af, B.le16(10)),
                        B.attribute(B.Service.fwmark, B.le32(7)),
                        B.attribute(B.Service.scheduler, Array("rr".utf8) + [0]),
                        B.attribute(B.Service.flags, B.le32(0x2) + B.le32(.max)),
                        B.attribute(B.Service.timeout, B.le32(0)),
                        B.attribute(B.Service.netmask, B.le32(128)),
                        B.stats(B.Service.stats, [1, 2, 3, 4, 5], wide: false),
                    ])
            ])
        let payload = try #require(IPVSReplyDecoder.genericPayload(message))
        let entry = try #require(IPVSReplyDecoder.service(payload.attributes))
        #expect(entry.service == IPVSService(key: .firewallMark(7, .ipv6), scheduler: "rr"))
        #expect(
            entry.statistics
                == IPVSStatistics(
                    connections: 1, incomingPackets: 2, outgoingPackets: 3, incomingBytes: 4, outgoingBytes: 5))
    }

    @Test func decodesADestination() throws {
        let message = B.message(
            command: B.Command.newDest,
            [
                B.nested(
                    B.Command.attrDest,
                    [
                        B.attribute(B.Destination.addr, B.inetAddress(198, 51, 100, 1)),
                        B.attribute(B.Destination.port, B.be16(8080)),
                        // NOOUTPUT | INACTIVE bits besides the method: only the method counts
                        B.attribute(B.Destination.forwarding, B.le32(3)),
                        B.attribute(B.Destination.weight, B.le32(5)),
                        B.attribute(B.Destination.upper, B.le32(100)),
                        B.attribute(B.Destination.lower, B.le32(10)),
                        B.attribute(B.Destination.active, B.le32(12)),
                        B.attribute(B.Destination.inactive, B.le32(34)),
                        B.attribute(B.Destination.persistent, B.le32(2)),
                        B.stats(B.Destination.stats64, [1, 2, 3, 4, 5], wide: true),
                    ])
            ])
        let payload = try #require(IPVSReplyDecoder.genericPayload(message))
        let entry = try #require(IPVSReplyDecoder.destination(payload.attributes, serviceFamily: .ipv4))
        #expect(
            entry.destination
                == IPVSDestination(
                    key: IPVSDestinationKey(address: V.address("198.51.100.1"), port: 8080), forwarding: .directRoute,
                    weight: 5, upperThreshold: 100, lowerThreshold: 10))
        #expect(entry.statistics.activeConnections == 12)
        #expect(entry.statistics.inactiveConnections == 34)
        #expect(entry.statistics.persistentConnections == 2)
        #expect(entry.statistics.counters.outgoingBytes == 5)
    }

    @Test(arguments: [UInt32(1), 4, 7])
    func unknownForwardingMethodIsUnreadable(method: UInt32) throws {
        let message = B.message(
            command: B.Command.newDest,
            [
                B.nested(
                    B.Command.attrDest,
                    [
                        B.attribute(B.Destination.addr, B.inetAddress(198, 51, 100, 1)),
                        B.attribute(B.Destination.port, B.be16(80)),
                        B.attribute(B.Destination.forwarding, B.le32(method)),
                        B.attribute(B.Destination.weight, B.le32(1)),
                    ])
            ])
        let payload = try #require(IPVSReplyDecoder.genericPayload(message))
        #expect(IPVSReplyDecoder.destination(payload.attributes, serviceFamily: .ipv4) == nil)
    }

    @Test func unknownProtocolOrFamilyIsUnreadable() throws {
        for (family, proto) in [(UInt16(2), UInt16(99)), (UInt16(7), UInt16(6))] {
            let message = B.message(
                command: B.Command.newService,
                [
                    B.nested(
                        B.Command.attrService,
                        [
                            B.attribute(B.Service.af, B.le16(family)),
                            B.attribute(B.Service.proto, B.le16(proto)),
                            B.attribute(B.Service.addr, B.inetAddress(192, 0, 2, 10)),
                            B.attribute(B.Service.port, B.be16(80)),
                            B.attribute(B.Service.scheduler, Array("rr".utf8) + [0]),
                        ])
                ])
            let payload = try #require(IPVSReplyDecoder.genericPayload(message))
            #expect(IPVSReplyDecoder.service(payload.attributes) == nil)
        }
    }

    @Test func shortAttributesAreRejectedNotRead() throws {
        // A port of one byte and an address of two: nil, never an out-of-bounds read.
        let message = B.message(
            command: B.Command.newService,
            [
                B.nested(
                    B.Command.attrService,
                    [
                        B.attribute(B.Service.af, B.le16(2)),
                        B.attribute(B.Service.proto, B.le16(6)),
                        B.attribute(B.Service.addr, [192, 0]),
                        B.attribute(B.Service.port, [80]),
                        B.attribute(B.Service.scheduler, Array("rr".utf8)),
                    ])
            ])
        let payload = try #require(IPVSReplyDecoder.genericPayload(message))
        #expect(IPVSReplyDecoder.service(payload.attributes) == nil)
        #expect(IPVSReplyDecoder.genericPayload(Array(message.prefix(19))) == nil)
        // A declared length longer than the bytes.
        #expect(IPVSReplyDecoder.genericPayload(Array(message.dropLast(4))) == nil)
    }

    @Test func attributeBlockStopsAtABrokenLength() {
        let good = B.attribute(1, B.le32(7))
        let broken: [UInt8] = B.le16(200) + B.le16(2) + [1, 2, 3, 4]
        let attributes = NetlinkAttributes(good + broken)
        #expect(attributes.uint32(1) == 7)
        #expect(attributes[2] == nil)
        #expect(attributes.truncated)
        #expect(!NetlinkAttributes(good).truncated)
    }

    @Test func randomBytesNeverCrashTheDecoder() {
        var generator = SplitMix64(seed: 0x5EED)
        let valid = webServiceMessage()
        for round in 0..<5_000 {
            var bytes = valid
            // Flip a few bytes of a valid message, or make one up entirely.
            if round % 5 == 0 {
                bytes = (0..<Int(generator.next() % 96)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                for _ in 0..<(1 + Int(generator.next() % 4)) {
                    bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next())
                }
            }
            if let payload = IPVSReplyDecoder.genericPayload(bytes) {
                _ = IPVSReplyDecoder.service(payload.attributes)
                _ = IPVSReplyDecoder.destination(payload.attributes, serviceFamily: .ipv6)
                _ = IPVSReplyDecoder.info(payload.attributes)
            }
        }
    }

    @Test func decodesInfo() throws {
        let message = B.message(
            command: B.Command.setInfo, [B.attribute(1, B.le32(0x010201)), B.attribute(2, B.le32(4096))])
        let payload = try #require(IPVSReplyDecoder.genericPayload(message))
        #expect(IPVSReplyDecoder.info(payload.attributes) == IPVSInfo(version: 0x010201, connectionTableSize: 4096))
    }

    // MARK: - Requests, read back

    @Test(arguments: [
        IPVSService(key: IPVSTestValues.tcp("192.0.2.10"), scheduler: "wrr", persistenceTimeout: 600, persistencePrefixLength: 24),
        IPVSService(key: .address(.udp, IPVSTestValues.address("2001:db8::53"), port: 53), scheduler: "sh",
                    flags: IPVSServiceFlags.scheduler2),
        IPVSService(key: .firewallMark(42, .ipv4), scheduler: "rr", persistenceTimeout: 60),
    ])
    func serviceRequestsCarryWhatTheKernelReads(service: IPVSService) throws {
        for (operation, command) in [
            (IPVSOperation.addService(service), B.Command.newService), (.editService(service), B.Command.setService),
        ] {
            let bytes = try #require(IPVSRequestWriter.requestBytes(for: operation, family: 0x20))
            let payload = try #require(IPVSReplyDecoder.genericPayload(bytes))
            #expect(payload.command == command)
            #expect(try #require(IPVSReplyDecoder.service(payload.attributes)).service == service)
            let nested = try #require(payload.attributes.nested(B.Command.attrService))
            // struct ip_vs_flags: the kernel applies the flags under an all-ones mask.
            #expect(nested[B.Service.flags].map(Array.init)?.suffix(4) == [255, 255, 255, 255])
        }
    }

    @Test func ipv4NetmaskIsSentAsAMaskInNetworkOrderAndIPv6AsALength() throws {
        let v4 = IPVSService(key: V.tcp("192.0.2.10"), scheduler: "rr", persistenceTimeout: 1, persistencePrefixLength: 24)
        let v6 = IPVSService(key: .firewallMark(1, .ipv6), scheduler: "rr", persistenceTimeout: 1, persistencePrefixLength: 64)
        func netmask(_ service: IPVSService) throws -> [UInt8]? {
            let bytes = try #require(IPVSRequestWriter.requestBytes(for: .addService(service), family: 0x20))
            let payload = try #require(IPVSReplyDecoder.genericPayload(bytes))
            return payload.attributes.nested(B.Command.attrService)?[B.Service.netmask].map(Array.init)
        }
        #expect(try netmask(v4) == [255, 255, 255, 0])
        #expect(try netmask(v6) == B.le32(64))
    }

    @Test func deleteServiceCarriesOnlyTheKey() throws {
        let bytes = try #require(IPVSRequestWriter.requestBytes(for: .deleteService(V.tcp("192.0.2.10", 443)), family: 0x20))
        let payload = try #require(IPVSReplyDecoder.genericPayload(bytes))
        #expect(payload.command == B.Command.delService)
        let nested = try #require(payload.attributes.nested(B.Command.attrService))
        #expect(nested.uint16(B.Service.af) == 2)
        #expect(nested.uint16(B.Service.proto) == 6)
        #expect(nested.bigEndianUInt16(B.Service.port) == 443)
        #expect(nested[B.Service.addr].map(Array.init) == B.inetAddress(192, 0, 2, 10))
        #expect(nested[B.Service.scheduler] == nil)
        #expect(nested[B.Service.flags] == nil)
    }

    @Test func destinationRequestsCarryServiceAndDestination() throws {
        let service = IPVSServiceKey.firewallMark(9, .ipv6)
        let destination = IPVSDestination(
            key: IPVSDestinationKey(address: V.address("2001:db8::2"), port: 8080), forwarding: .tunnel, weight: 0,
            upperThreshold: 50, lowerThreshold: 5)
        for (operation, command) in [
            (IPVSOperation.addDestination(service, destination), B.Command.newDest),
            (.editDestination(service, destination), B.Command.setDest),
        ] {
            let bytes = try #require(IPVSRequestWriter.requestBytes(for: operation, family: 0x20))
            let payload = try #require(IPVSReplyDecoder.genericPayload(bytes))
            #expect(payload.command == command)
            #expect(payload.attributes.nested(B.Command.attrService)?.uint32(B.Service.fwmark) == 9)
            #expect(IPVSReplyDecoder.destination(payload.attributes, serviceFamily: .ipv4)?.destination == destination)
        }
        let delete = try #require(
            IPVSRequestWriter.requestBytes(for: .deleteDestination(service, destination.key), family: 0x20))
        let payload = try #require(IPVSReplyDecoder.genericPayload(delete))
        #expect(payload.command == B.Command.delDest)
        let nested = try #require(payload.attributes.nested(B.Command.attrDest))
        #expect(nested.uint16(B.Destination.family) == 10)
        #expect(nested.bigEndianUInt16(B.Destination.port) == 8080)
        #expect(nested[B.Destination.weight] == nil)
    }
}
