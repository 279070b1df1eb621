import Glibc
import Testing
import VigilConfig
@testable import VigilPlatform

@Suite("LocalFileSystem")
struct LocalFileSystemTests {
    let fileSystem = LocalFileSystem()

    @Test func readsWholeFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.file("keepalived.conf", "global_defs {\n}\n")
        #expect(try fileSystem.read(path, limit: 1024) == Array("global_defs {\n}\n".utf8))
    }

    @Test func readsEmptyFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.file("empty.conf")
        #expect(try fileSystem.read(path, limit: 1024) == [])
    }

    @Test("A character device is not a configuration file, even an empty one")
    func refusesCharacterDevice() throws {
        #expect(throws: FileReadError.notRegularFile(kind: "a character device")) { try fileSystem.read("/dev/null", limit: 16) }
    }

    @Test func missingFileIsNotFound() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(throws: FileReadError.notFound) { try fileSystem.read(directory.path + "/absent.conf", limit: 1024) }
        // A path through a missing directory is reported the same way.
        #expect(throws: FileReadError.notFound) { try fileSystem.read(directory.path + "/no/such.conf", limit: 1024) }
    }

    @Test func directoryIsRejected() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let sub = try directory.directory("conf.d")
        #expect(throws: FileReadError.isDirectory) { try fileSystem.read(sub, limit: 1024) }
    }

    @Test func sizeLimitIsEnforced() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.file("big.conf", String(repeating: "x", count: 100))
        #expect(try fileSystem.read(path, limit: 100).count == 100)
        #expect(throws: FileReadError.tooLarge(limit: 99)) { try fileSystem.read(path, limit: 99) }
        #expect(throws: FileReadError.tooLarge(limit: 0)) { try fileSystem.read(path, limit: 0) }
    }

    @Test func streamedInputOverTheLimitIsRejected() throws {
        // A /proc file reports size 0, so only the read loop can catch it.
        #expect(throws: FileReadError.tooLarge(limit: 16)) { try fileSystem.read("/proc/self/status", limit: 16) }
    }

    @Test("Devices and FIFOs are refused at once, even a FIFO whose writer never closes")
    func specialFilesAreRefused() throws {
        #expect(throws: FileReadError.notRegularFile(kind: "a character device")) { try fileSystem.read("/dev/zero", limit: 100_000) }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.path + "/fifo.conf"
        #expect(mkfifo(fifo, 0o600) == 0)
        // A writer that holds the FIFO open: a reader that tried would block until it closed.
        let writer = open(fifo, O_RDWR | O_NONBLOCK)
        #expect(writer >= 0)
        defer { close(writer) }
        let started = ContinuousClock.now
        #expect(throws: FileReadError.notRegularFile(kind: "a FIFO")) { try fileSystem.read(fifo, limit: 1024) }
        #expect(ContinuousClock.now - started < .seconds(1))
    }

    @Test func errnoMapping() {
        #expect(LocalFileSystem.error(for: EACCES) == .permissionDenied)
        #expect(LocalFileSystem.error(for: EPERM) == .permissionDenied)
        #expect(LocalFileSystem.error(for: EISDIR) == .isDirectory)
        #expect(LocalFileSystem.error(for: EIO) == .other("Input/output error"))
    }

    @Test func globPatterns() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let root = directory.path
        let names = ["b.conf", "a.conf", "file1.conf", "file2.conf", "file3.conf", "alpha.inc", "beta.inc", "gamma.inc"]
        for name in names {
            try directory.file(name)
        }
        // A directory whose name matches every pattern below must never be returned.
        try directory.directory("dir.conf")
        try directory.directory("file9.conf")
        try directory.directory("{alpha,beta}")
        try directory.file("file9.conf/inner.conf")

        func glob(_ pattern: String) -> [String] { fileSystem.glob(root + "/" + pattern) }
        func paths(_ names: String...) -> [String] { names.map { root + "/" + $0 } }

        #expect(glob("*.conf") == paths("a.conf", "b.conf", "file1.conf", "file2.conf", "file3.conf"))
        #expect(glob("file?.conf") == paths("file1.conf", "file2.conf", "file3.conf"))
        #expect(glob("file[13].conf") == paths("file1.conf", "file3.conf"))
        #expect(glob("file[!1].conf") == paths("file2.conf", "file3.conf"))
        #expect(glob("{beta,alpha}.inc") == paths("alpha.inc", "beta.inc"))
        #expect(glob("{b,a}.conf") == paths("a.conf", "b.conf"))
        #expect(glob("{alpha,a}.*") == paths("a.conf", "alpha.inc"))
        #expect(glob("{a,a}.conf") == paths("a.conf"))
        #expect(glob("*/*.conf") == paths("file9.conf/inner.conf"))
        #expect(glob("a.conf") == paths("a.conf"))
    }

    @Test func globWithoutMatchIsEmpty() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(fileSystem.glob(directory.path + "/*.conf") == [])
        #expect(fileSystem.glob(directory.path + "/missing.conf") == [])
        #expect(fileSystem.glob(directory.path + "/no/such/dir/*") == [])
    }
}
