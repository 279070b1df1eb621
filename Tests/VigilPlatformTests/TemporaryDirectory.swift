import Glibc

/// A scratch directory made with mkdtemp; remembers what it created so `remove()` can undo it.
final class TemporaryDirectory {
    let path: String
    private var created: [(path: String, isDirectory: Bool)] = []

    init() throws {
        var template = Array("/tmp/vigil-platform-test-XXXXXX".utf8CString)
        let made: String? = template.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress, mkdtemp(base) != nil else { return nil }
            return String(cString: base)
        }
        guard let made else { throw TemporaryDirectoryError(message: "mkdtemp failed: errno \(errno)") }
        path = made
    }

    /// Creates a file under the directory with the given contents and returns its full path.
    @discardableResult
    func file(_ name: String, _ contents: String = "") throws -> String {
        let full = path + "/" + name
        guard let handle = fopen(full, "w") else { throw TemporaryDirectoryError(message: "cannot create \(full)") }
        let bytes = Array(contents.utf8)
        let written = bytes.isEmpty ? 0 : fwrite(bytes, 1, bytes.count, handle)
        fclose(handle)
        guard written == bytes.count else { throw TemporaryDirectoryError(message: "short write to \(full)") }
        created.append((full, false))
        return full
    }

    @discardableResult
    func directory(_ name: String) throws -> String {
        let full = path + "/" + name
        guard mkdir(full, 0o755) == 0 else { throw TemporaryDirectoryError(message: "cannot mkdir \(full)") }
        created.append((full, true))
        return full
    }

    /// Removes everything created, children before parents, then the directory itself.
    func remove() {
        for entry in created.reversed() {
            _ = entry.isDirectory ? rmdir(entry.path) : unlink(entry.path)
        }
        created = []
        rmdir(path)
    }
}

struct TemporaryDirectoryError: Error {
    let message: String
}
