/// Why a configuration file could not be read.
public enum FileReadError: Error, Sendable, Equatable {
    case notFound
    case permissionDenied
    case isDirectory
    case tooLarge(limit: Int)
    /// A FIFO, a device or a socket: reading one could block forever or never end.
    case notRegularFile(kind: String)
    case other(String)

    /// A short phrase for diagnostics ("no such file", ...).
    public var reason: String {
        switch self {
        case .notFound: "no such file"
        case .permissionDenied: "permission denied"
        case .isDirectory: "it is a directory"
        case .tooLarge(let limit): "it is larger than \(limit / (1024 * 1024)) MiB"
        case .notRegularFile(let kind): "it is \(kind), not a regular file"
        case .other(let message): message
        }
    }
}

/// How the loader reaches files; the real one lives in VigilPlatform, tests use InMemoryFileSystem.
public protocol ConfigFileSystem: Sendable {
    /// The whole file, at most `limit` bytes.
    func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8]
    /// Paths matching a glob pattern (with `*`, `?`, `[...]` and `{a,b}`), sorted; directories excluded.
    func glob(_ pattern: String) -> [String]
}

/// Files held in memory, for tests and for configurations passed as text.
public struct InMemoryFileSystem: ConfigFileSystem {
    public var files: [String: [UInt8]]
    /// Paths that exist but cannot be read.
    public var unreadable: Set<String>

    public init(_ files: [String: String] = [:], unreadable: Set<String> = []) {
        self.files = files.mapValues { Array($0.utf8) }
        self.unreadable = unreadable
    }

    public init(bytes: [String: [UInt8]], unreadable: Set<String> = []) {
        files = bytes
        self.unreadable = unreadable
    }

    public func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        if unreadable.contains(path) { throw .permissionDenied }
        guard let bytes = files[path] else {
            if files.keys.contains(where: { $0.hasPrefix(path + "/") }) { throw .isDirectory }
            throw .notFound
        }
        guard bytes.count <= limit else { throw .tooLarge(limit: limit) }
        return bytes
    }

    public func glob(_ pattern: String) -> [String] {
        let alternatives = GlobPattern.expandBraces(pattern)
        var matches: Set<String> = []
        for alternative in alternatives {
            for path in files.keys.sorted() where GlobPattern.matches(path, pattern: alternative) {
                matches.insert(path)
            }
            for path in unreadable where GlobPattern.matches(path, pattern: alternative) { matches.insert(path) }
        }
        return matches.sorted()
    }
}
