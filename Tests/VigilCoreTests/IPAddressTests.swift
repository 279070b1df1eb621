import Testing
import VigilCore

@Suite("IP addresses and prefixes")
struct IPAddressTests {
    @Test("IPv4 dotted quads parse strictly", arguments: [
        ("192.0.2.1", true), ("0.0.0.0", true), ("255.255.255.255", true),
        ("256.0.0.1", false), ("192.0.2", false), ("192.0.2.1.5", false), ("192.0.02.1", false),
        ("", false), ("1..2.3", false), ("a.b.c.d", false), ("192.0.2.1 ", false), ("1234.0.0.1", false),
    ])
    func ipv4(text: String, valid: Bool) {
        #expect((IPv4Address(text) != nil) == valid)
        if valid { #expect(IPv4Address(text)?.description == text) }
    }

    @Test("IPv6 parses compressed forms and prints RFC 5952 text", arguments: [
        ("2001:db8::1", "2001:db8::1"),
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("::", "::"), ("::1", "::1"), ("fe80::", "fe80::"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("::ffff:192.0.2.1", "::ffff:c000:201"),
        ("ff02::12", "ff02::12"),
    ])
    func ipv6(text: String, canonical: String) {
        #expect(IPv6Address(text)?.description == canonical)
    }

    @Test("malformed IPv6 is rejected", arguments: [
        ":::", "2001:db8:::1", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "g::1", ":1", "1:", "1:2:3:4:5:6:7", "",
        "2001:db8::192.0.2.256",
    ])
    func badIPv6(text: String) {
        #expect(IPv6Address(text) == nil)
    }

    @Test("IPv6 bytes round-trip and classify")
    func ipv6Bytes() throws {
        let address = try #require(IPv6Address("fe80::1"))
        #expect(IPv6Address(bytes: address.bytes) == address)
        #expect(IPv6Address(bytes: [1, 2, 3]) == nil)
        #expect(address.isLinkLocal)
        #expect(try #require(IPv6Address("ff02::12")).isMulticast)
    }

    @Test("prefixes default to a host length and reject lengths beyond the family")
    func prefixes() throws {
        #expect(try IPPrefix.parse("192.0.2.100").get().description == "192.0.2.100/32")
        #expect(try IPPrefix.parse("192.0.2.100/24").get().length == 24)
        #expect(try IPPrefix.parse("2001:db8::1").get().length == 128)
        #expect(IPPrefix.parse("192.0.2.100/33") == .failure(.badLength(maximum: 32)))
        #expect(IPPrefix.parse("2001:db8::/129") == .failure(.badLength(maximum: 128)))
        #expect(IPPrefix.parse("192.0.2.100/") == .failure(.badLength(maximum: 32)))
        #expect(IPPrefix.parse("192.0.2.100/-1") == .failure(.badLength(maximum: 32)))
        #expect(IPPrefix.parse("host/24") == .failure(.badAddress))
    }

    @Test("addresses order within and across families")
    func ordering() throws {
        let a = try #require(IPAddress("192.0.2.1"))
        let b = try #require(IPAddress("192.0.2.10"))
        let c = try #require(IPAddress("2001:db8::1"))
        #expect(a < b && b < c)
        #expect(IPAddress("[2001:db8::1]") == c)
    }

    @Test("seconds keep microseconds and encode whole values as integers")
    func seconds() {
        #expect(Seconds(0.01).microseconds == 10_000)
        #expect(Seconds(2.71828).microseconds == 2_718_280)
        #expect(Seconds(3).description == "3s")
        #expect(Seconds(1e300).microseconds == Int64.max)
        #expect(Seconds(-.infinity).microseconds == Int64.min)
        #expect(Seconds(.nan).microseconds == 0)
    }
}
