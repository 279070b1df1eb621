import Foundation
import Logging
import Testing
import VigilConfig
import VigilPlatform
@testable import VigilRuntime

@Suite("track_file watcher")
struct TrackFileWatcherTests {
    static let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func read(_ path: String, previous: Int? = nil) -> Int { TrackFileWatcher.read(path, previous: previous, logger: Self.quiet) }

    /// A fresh directory for a test's files; the test removes it.
    static func scratch() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-trackfile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test("Values: the leading integer; missing, empty or non-numeric files count as 0")
    func reading() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("value").path
        #expect(read(path) == 0)
        for (text, value) in [("42\n", 42), ("  -7 apples", -7), ("", 0), ("x12", 0), ("+3", 3)] {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(read(path) == value, "\(text)")
        }
    }

    @Test("A vrrp_instance reads a track file as FILE_CHECK does: 0x10 is 16, 010 is 8, out of range keeps the last value")
    func sameNumbersAsFileCheck() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("value").path
        for (text, value) in [("0x10\n", 16), ("010", 8), (" -0x1f", -31), ("2147483647", 2_147_483_647)] {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(read(path) == value, "\(text)")
            #expect(try TrackFileReader.read(path).get() == value, "FILE_CHECK's reader on \(text)")
        }
        try "99999999999".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(read(path, previous: 12) == 12)
        #expect(try TrackFileReader.read(path).get() == nil)
    }

    @Test("init_file writes its value only when the file is missing, unless overwrite")
    func initFile() throws {
        let directory = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("value").path
        let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        TrackFileWatcher.initialize(.init(name: "f", path: path, initialValue: 5, overwrite: false), logger: logger)
        #expect(read(path) == 5)
        TrackFileWatcher.initialize(.init(name: "f", path: path, initialValue: 9, overwrite: false), logger: logger)
        #expect(read(path) == 5)
        TrackFileWatcher.initialize(.init(name: "f", path: path, initialValue: 9, overwrite: true), logger: logger)
        #expect(read(path) == 9)
    }
}
