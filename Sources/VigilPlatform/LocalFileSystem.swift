import Glibc
import VigilConfig

/// The real file system, read with POSIX calls so size limits are enforced before reading.
public struct LocalFileSystem: ConfigFileSystem {
    public init() {}

    public func read(_ path: String, limit: Int) throws(FileReadError) -> [UInt8] {
        // O_NONBLOCK keeps open(2) from hanging on a FIFO with no writer; such files are refused below.
        let descriptor = try Self.open(path)
        defer { _ = close(descriptor) }

        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.error(for: errno) }
        let kind = status.st_mode & S_IFMT
        if kind == S_IFDIR { throw .isDirectory }
        // A FIFO with a writer that never closes, or /dev/zero, would hold a reload forever or fill
        // memory: configuration files are regular files (`vigilctl check-config -` reads stdin itself).
        guard kind == S_IFREG else { throw .notRegularFile(kind: Self.describe(kind)) }
        // Refuse oversized files up front instead of reading them only to discard the bytes.
        guard Int(status.st_size) <= limit else { throw .tooLarge(limit: limit) }
        return try Self.readAll(descriptor, limit: limit)
    }

    /// The kind of a non-regular file, in words.
    static func describe(_ kind: mode_t) -> String {
        switch kind {
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }

    private static func open(_ path: String) throws(FileReadError) -> Int32 {
        while true {
            let descriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
            if descriptor >= 0 { return descriptor }
            let code = errno
            if code != EINTR { throw error(for: code) }
        }
    }

    /// Reads to EOF, asking for one byte past the limit so a file that grew after fstat (or a /proc
    /// file, whose size reads as 0) is still caught.
    private static func readAll(_ descriptor: Int32, limit: Int) throws(FileReadError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let wanted = min(chunk.count, limit + 1 - bytes.count)
            let count = chunk.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress, wanted)
            }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw error(for: code)
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit { throw .tooLarge(limit: limit) }
        }
    }

    static func error(for code: Int32) -> FileReadError {
        switch code {
        case ENOENT, ENOTDIR: .notFound
        case EACCES, EPERM: .permissionDenied
        case EISDIR: .isDirectory
        default: .other(String(cString: strerror(code)))
        }
    }
}
