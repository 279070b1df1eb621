#if canImport(Glibc)
import Glibc
#endif
import CLinuxExtras

/// Runs socket creation inside a named network namespace (`ip netns add NAME`), on this thread only.
///
/// A socket keeps the namespace it was created in, so the process itself never moves; this is how
/// keepalived's `net_namespace` can work for one daemon among others.
public enum NetworkNamespace {
    /// Why the namespace could not be entered.
    public struct EnterError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Calls `body` inside `/run/netns/NAME` (or where we are, for nil) and always comes back.
    public static func perform<T>(in name: String?, _ body: () throws -> T) throws -> T {
        guard let name else { return try body() }
        let target = open("/run/netns/\(name)", O_RDONLY | O_CLOEXEC)
        guard target >= 0 else {
            throw EnterError(description: "network namespace \(name): \(String(cString: strerror(errno)))")
        }
        defer { close(target) }
        let original = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)
        guard original >= 0 else { throw EnterError(description: "cannot open this thread's namespace: \(String(cString: strerror(errno)))") }
        defer { close(original) }
        guard vigil_enter_net_namespace(target) == 0 else {
            throw EnterError(description: "cannot enter network namespace \(name): \(String(cString: strerror(errno)))")
        }
        defer { _ = vigil_enter_net_namespace(original) }
        return try body()
    }
}
