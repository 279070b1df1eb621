#if canImport(Glibc)
import Glibc
#endif

/// keepalived's script security: a script that runs as root must not be changeable by anyone
/// else. The program (found in PATH when it has no slash, symbolic links resolved) and every
/// directory above it must be owned by root and not writable by others, nor by a group other
/// than root's (a sticky directory such as /tmp counts as safe: others cannot replace root's
/// files in it).
public enum ScriptPathSecurity {
    /// Why `program` is unsafe to run as root, in words; nil when it is safe (or cannot be found:
    /// the run itself then fails with its own reason).
    public static func problem(_ program: String) -> String? {
        guard let path = resolve(program) else { return nil }
        var current = path
        while true {
            var status = stat()
            guard stat(current, &status) == 0 else { return nil }
            let isDirectory = status.st_mode & S_IFMT == S_IFDIR
            let sticky = isDirectory && status.st_mode & S_ISVTX != 0
            if status.st_uid != 0 { return "\(current) is owned by uid \(status.st_uid)" }
            if !sticky && status.st_mode & S_IWOTH != 0 { return "\(current) is writable by every user" }
            if !sticky && status.st_mode & S_IWGRP != 0 && status.st_gid != 0 { return "\(current) is writable by group \(status.st_gid)" }
            guard current != "/" else { return nil }
            current = parent(of: current)
        }
    }

    /// The program's real path: looked up in PATH when it has no slash, links resolved.
    static func resolve(_ program: String) -> String? {
        var candidates = [program]
        if !program.contains("/") {
            let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
            candidates = path.split(separator: ":").map { "\($0)/\(program)" }
        }
        for candidate in candidates where access(candidate, X_OK) == 0 {
            guard let real = realpath(candidate, nil) else { continue }
            defer { free(real) }
            return String(cString: real)
        }
        return nil
    }

    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
