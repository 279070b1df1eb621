#if canImport(Glibc)
import Glibc
#endif

/// A detached pthread running a closure: for work that blocks (a poll loop, a read that may hang)
/// and must stay off the cooperative pool. The one place that starts raw threads.
public enum DetachedThread {
    /// Starts `body` on a thread of its own; false when no thread could be made (`body` not run).
    public static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        final class Box: Sendable {
            let body: @Sendable () -> Void
            init(_ body: @escaping @Sendable () -> Void) { self.body = body }
        }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            guard let context else { return nil }
            Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }
}
