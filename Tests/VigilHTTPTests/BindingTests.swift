import Glibc
import Testing
import VigilHTTP
import VigilPlatform

extension HTTPServerTests {
    @Suite("Binding", .timeLimit(.minutes(1)))
    struct Binding {
        @Test func logsOneLinePerListener() async throws {
            let directory = try TemporaryDirectory()
            let logs = LogCapture()
            let socketPath = directory.path + "/vigild.sock"
            let server = try await TestServer.start(
                logs: logs,
                listeners: [
                    (.tcp(host: "127.0.0.1", port: 0), .metrics),
                    (.unixSocket(path: socketPath), .control),
                ]
            )
            #expect(server.port != 0)
            #expect(server.boundAddresses.map(\.role) == [.metrics, .control])
            #expect(logs.all == [
                "info listening address=127.0.0.1:\(server.port) role=metrics",
                "info listening address=unix:\(socketPath) role=control",
            ])
            await server.shutdown()
        }

        @Test func ipv6Loopback() async throws {
            let server = try await TestServer.start(listeners: [(.tcp(host: "::1", port: 0), .metrics)])
            guard case .tcp(let host, let port) = server.boundAddresses.first?.address else {
                Issue.record("no TCP listener")
                return
            }
            #expect(host == "::1")
            let client = ControlClient(endpoint: .tcp(host: "::1", port: port))
            let response = try await blocking { try client.request("GET", "/v6") }
            #expect(response.text.contains("path=/v6\n"))
            await server.shutdown()
        }

        @Test func portInUseIsReportedWithTheAddress() async throws {
            let first = try await TestServer.start()
            let port = first.port
            await #expect {
                _ = try await TestServer.start(listeners: [(.tcp(host: "127.0.0.1", port: port), .metrics)])
            } throws: { error in
                guard let error = error as? HTTPServerError, case .addressInUse(let address) = error else { return false }
                return address == .tcp(host: "127.0.0.1", port: port)
                    && error.description == "cannot listen on 127.0.0.1:\(port): the address is already in use "
                        + "(is another vigild or exporter running? choose another with --listen or vigil_http_listen)"
            }
            await first.shutdown()
        }

        @Test func failedStartReleasesEarlierListeners() async throws {
            let blocker = try await TestServer.start()
            let blockedPort = blocker.port
            let directory = try TemporaryDirectory()
            let socketPath = directory.path + "/vigild.sock"
            await #expect(throws: HTTPServerError.self) {
                _ = try await TestServer.start(listeners: [
                    (.unixSocket(path: socketPath), .control),
                    (.tcp(host: "127.0.0.1", port: blockedPort), .metrics),
                ])
            }
            #expect(access(socketPath, F_OK) != 0)
            await blocker.shutdown()
        }

        @Test func restartBindsTheSamePortAtOnce() async throws {
            let first = try await TestServer.start()
            let port = first.port
            let client = first.client
            // The server closes first after a Connection: close answer, so its side sits in TIME_WAIT.
            _ = try await blocking { try client.request("GET", "/") }
            await first.shutdown()
            let second = try await TestServer.start(listeners: [(.tcp(host: "127.0.0.1", port: port), .metrics)])
            #expect(second.port == port)
            let response = try await blocking { try client.request("GET", "/again") }
            #expect(response.status == 200)
            await second.shutdown()
        }

        @Test func unixSocketIsPrivateAndKnowsItsPeer() async throws {
            let directory = try TemporaryDirectory()
            let parent = directory.path + "/run/vigil"
            let path = parent + "/vigild.sock"
            let server = try await TestServer.start(listeners: [(.unixSocket(path: path), .control)])
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_mode & S_IFMT == S_IFSOCK)
            #expect(info.st_mode & 0o777 == 0o600)
            #expect(stat(parent, &info) == 0)
            #expect(info.st_mode & 0o777 == 0o750)

            let client = ControlClient(endpoint: .unixSocket(path: path))
            let response = try await blocking { try client.request("POST", "/reload") }
            #expect(response.status == 200)
            #expect(response.text.contains("role=control\n"))
            #expect(response.text.contains("peer=\(getuid())\n"))

            await server.shutdown()
            #expect(access(path, F_OK) != 0)
        }

        @Test func secondServerOnALiveSocketIsRefused() async throws {
            let directory = try TemporaryDirectory()
            let path = directory.path + "/vigild.sock"
            let first = try await TestServer.start(listeners: [(.unixSocket(path: path), .control)])
            await #expect {
                _ = try await TestServer.start(listeners: [(.unixSocket(path: path), .control)])
            } throws: { error in
                guard let error = error as? HTTPServerError, case .socketInUse(let reported) = error else { return false }
                return reported == path && error.description.contains("another vigild is listening on \(path)")
            }
            // The refused start must not have removed the live server's socket.
            let client = ControlClient(endpoint: .unixSocket(path: path))
            let response = try await blocking { try client.request("GET", "/still") }
            #expect(response.text.contains("path=/still\n"))
            await first.shutdown()
        }

        @Test func staleSocketFileIsReplaced() async throws {
            let directory = try TemporaryDirectory()
            let path = directory.path + "/vigild.sock"
            try Self.leaveStaleSocket(at: path)
            var info = stat()
            #expect(stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK)

            let server = try await TestServer.start(listeners: [(.unixSocket(path: path), .control)])
            let client = ControlClient(endpoint: .unixSocket(path: path))
            let response = try await blocking { try client.request("GET", "/fresh") }
            #expect(response.text.contains("path=/fresh\n"))
            await server.shutdown()
            #expect(access(path, F_OK) != 0)
        }

        @Test func nonSocketFileIsNeverRemoved() async throws {
            let directory = try TemporaryDirectory()
            let path = directory.path + "/vigild.sock"
            let fd = open(path, O_CREAT | O_WRONLY, 0o644)
            close(fd)
            await #expect {
                _ = try await TestServer.start(listeners: [(.unixSocket(path: path), .control)])
            } throws: { error in
                guard let error = error as? HTTPServerError, case .cannotBind = error else { return false }
                return error.description == "cannot listen on unix:\(path): \(path) exists and is not a socket; remove it or choose another path"
            }
            #expect(access(path, F_OK) == 0)
        }

        /// Binds a unix socket and closes it without unlinking, as a crashed daemon would.
        static func leaveStaleSocket(at path: String) throws {
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
                }
            }
            guard result == 0, listen(fd, 1) == 0 else { throw TestFailure("bind: \(errno)") }
        }
    }
}
