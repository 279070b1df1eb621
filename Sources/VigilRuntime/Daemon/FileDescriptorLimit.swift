#if canImport(Glibc)
import Glibc
#endif

/// Raises the soft limit on open files to the hard limit (capped), as Go runtimes do, so a burst
/// of scrapes or checks cannot run vigild out of descriptors at the default 1024.
enum FileDescriptorLimit {
    static let cap: rlim_t = 65536

    @discardableResult
    static func raise() -> rlim_t {
        var limit = rlimit()
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        guard getrlimit(resource, &limit) == 0 else { return 0 }
        let wanted = min(limit.rlim_max, cap)
        if limit.rlim_cur < wanted {
            limit.rlim_cur = wanted
            _ = setrlimit(resource, &limit)
        }
        return limit.rlim_cur
    }
}
