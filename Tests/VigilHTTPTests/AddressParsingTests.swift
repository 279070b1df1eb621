import Testing
import VigilHTTP
import VigilPlatform

extension HTTPServerTests {
    @Suite("Address parsing")
    struct AddressParsing {
        @Test(arguments: [
            ("127.0.0.1:7390", ListenAddress.tcp(host: "127.0.0.1", port: 7390), "127.0.0.1:7390"),
            ("[::1]:7390", .tcp(host: "::1", port: 7390), "[::1]:7390"),
            ("0.0.0.0:0", .tcp(host: "0.0.0.0", port: 0), "0.0.0.0:0"),
            ("[2001:db8::1]:65535", .tcp(host: "2001:db8::1", port: 65535), "[2001:db8::1]:65535"),
            ("unix:/run/vigil/vigild.sock", .unixSocket(path: "/run/vigil/vigild.sock"), "unix:/run/vigil/vigild.sock"),
            ("/tmp/x.sock", .unixSocket(path: "/tmp/x.sock"), "unix:/tmp/x.sock"),
        ])
        func validListenAddresses(text: String, expected: ListenAddress, description: String) throws {
            let parsed = try ListenAddress.parse(text).get()
            #expect(parsed == expected)
            #expect(parsed.description == description)
            // What the description prints parses back to the same address.
            #expect(try ListenAddress.parse(parsed.description).get() == parsed)
        }

        @Test(arguments: [
            ("127.0.0.1", "no port"),
            (":x", "no address before \":\""),
            ("[::1", "\"[\" opens an IPv6 address but no \"]\" closes it"),
            ("[::1]7390", "no \":PORT\" after \"]\""),
            ("999.1.1.1:80", "\"999.1.1.1\" is not a numeric IPv4 address (host names are not resolved)"),
            ("localhost:7390", "\"localhost\" is not a numeric IPv4 address (host names are not resolved)"),
            ("[fe80::zz]:80", "\"fe80::zz\" is not a numeric IPv6 address"),
            ("127.0.0.1:70000", "port \"70000\" is not a number from 0 to 65535"),
            ("127.0.0.1:", "port \"\" is not a number from 0 to 65535"),
            ("127.0.0.1:-1", "port \"-1\" is not a number from 0 to 65535"),
            ("::1:7390", "an IPv6 address needs brackets, as in [::1]:7390"),
            ("unix:run/vigild.sock", "a unix socket path must be absolute"),
            ("unix:/run/vigil/", "a unix socket path must name a file, not a directory"),
        ])
        func invalidListenAddresses(text: String, problem: String) {
            switch ListenAddress.parse(text) {
            case .success(let address):
                Issue.record("\(text) parsed as \(address)")
            case .failure(let error):
                #expect(error.problem == problem)
                #expect(error.input == text)
                #expect(error.description == "invalid listen address \"\(text)\": \(problem); expected ADDRESS:PORT (127.0.0.1:7390, [::1]:7390) or unix:/PATH")
            }
        }

        @Test func overlongSocketPath() {
            let path = "/" + String(repeating: "a", count: 107)
            #expect(throws: ListenAddressError.self) { try ListenAddress.parse("unix:" + path).get() }
            #expect((try? ListenAddress.parse("unix:" + String(path.dropLast())).get()) != nil)
        }

        @Test(arguments: [
            ("http://127.0.0.1:7390", ControlEndpoint.tcp(host: "127.0.0.1", port: 7390), "127.0.0.1:7390"),
            ("http://127.0.0.1:7390/", .tcp(host: "127.0.0.1", port: 7390), "127.0.0.1:7390"),
            ("http://[::1]:7390", .tcp(host: "::1", port: 7390), "[::1]:7390"),
            ("127.0.0.1:7390", .tcp(host: "127.0.0.1", port: 7390), "127.0.0.1:7390"),
            ("[::1]:9", .tcp(host: "::1", port: 9), "[::1]:9"),
            ("http://localhost:7390", .tcp(host: "127.0.0.1", port: 7390), "127.0.0.1:7390"),
            ("unix:/run/vigil/vigild.sock", .unixSocket(path: "/run/vigil/vigild.sock"), "unix:/run/vigil/vigild.sock"),
            ("/run/vigil/vigild.sock", .unixSocket(path: "/run/vigil/vigild.sock"), "unix:/run/vigil/vigild.sock"),
        ])
        func validEndpoints(text: String, expected: ControlEndpoint, description: String) {
            let parsed = ControlEndpoint.parse(text)
            #expect(parsed == expected)
            #expect(parsed?.description == description)
        }

        @Test(arguments: [
            "127.0.0.1", ":x", "[::1", "[::1]", "999.1.1.1:80", "127.0.0.1:70000", "127.0.0.1:0",
            "http://127.0.0.1", "http://127.0.0.1:7390/metrics", "example.com:80", "https://127.0.0.1:7390",
            "unix:relative", "unix:", "/", "", "::1:7390",
        ])
        func invalidEndpoints(text: String) {
            #expect(ControlEndpoint.parse(text) == nil)
        }
    }
}
