import Foundation
import Glibc
import Testing
import VigilHTTP
import VigilPlatform

extension HTTPServerTests {
    @Suite("Load", .timeLimit(.minutes(1)))
    struct Load {
        @Test func thousandConcurrentRequestsLeakNothing() async throws {
            var limit = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            limit.rlim_cur = limit.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)

            let server = try await TestServer.start()
            let port = server.port
            let client = ControlClient(endpoint: .tcp(host: "127.0.0.1", port: port), timeout: .seconds(20))
            let fdsBefore = Self.openDescriptors()

            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<1000 {
                    group.addTask { try await blocking { try client.request("GET", "/load/\(index)").status } }
                }
                return try await group.reduce(into: [Int: Int]()) { $0[$1, default: 0] += 1 }
            }
            #expect(statuses == [200: 1000])

            // No socket of either side of these connections stays open in this process. Other
            // test targets may open descriptors meanwhile, so the sockets are matched by port.
            #expect(await eventually { server.openConnections == 0 })
            #expect(await eventually { Self.openSocketsOnPort(port) == 0 })
            let fdsAfter = Self.openDescriptors()
            let leaked = fdsAfter.subtracting(fdsBefore).filter { $0.target.hasPrefix("socket:") }
            #expect(Self.openSocketsOnPort(port) == 0, "new sockets still open: \(leaked.count)")
            await server.shutdown()
        }

        struct Descriptor: Hashable {
            let number: String
            let target: String
        }

        static func openDescriptors() -> Set<Descriptor> {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
            return Set(names.compactMap { name in
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/" + name) else { return nil }
                return Descriptor(number: name, target: target)
            })
        }

        /// Sockets this process holds whose TCP connection (not the listener) has `port` at either end.
        static func openSocketsOnPort(_ port: Int) -> Int {
            let ours = Set(openDescriptors().compactMap { descriptor -> String? in
                guard descriptor.target.hasPrefix("socket:[") else { return nil }
                return String(descriptor.target.dropFirst("socket:[".count).dropLast())
            })
            guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return -1 }
            var count = 0
            for line in table.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, fields[3] != "0A" else { continue }  // 0A: LISTEN
                let ports = [fields[1], fields[2]].compactMap { $0.split(separator: ":").last.flatMap { Int($0, radix: 16) } }
                if ports.contains(port) && ours.contains(String(fields[9])) { count += 1 }
            }
            return count
        }
    }
}
