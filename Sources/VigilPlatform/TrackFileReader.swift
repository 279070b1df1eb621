import Glibc
import VigilCore

/// Reads a tracked file's number the way keepalived does, for vrrp_track_file (VRRP) and
/// FILE_CHECK (checks) alike: the first `TrackFileNumber.readLength` bytes through strtol's rules,
/// so `0x10` is 16 to both. One reader, so the two can never disagree again.
public enum TrackFileReader {
    /// 0 for a missing file; nil for a number that does not fit a 32-bit int (keepalived keeps the
    /// previous value); a failure with the reason when the file exists but cannot be read.
    public static func read(_ path: String) -> Result<Int?, TrackFileReadError> {
        // O_NONBLOCK: a FIFO put in the file's place must not hang the reader.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return .success(0) }
            return .failure(TrackFileReadError(description: "cannot open \(path): \(String(cString: strerror(errno)))"))
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: TrackFileNumber.readLength)
        let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard count >= 0 else {
            return .failure(TrackFileReadError(description: "cannot read \(path): \(String(cString: strerror(errno)))"))
        }
        return .success(TrackFileNumber.parse(buffer.prefix(count)))
    }
}

extension TrackFileReader {
    /// True when something is at `path`.
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// init_file: writes `value` and a newline; nil on success, else why it failed.
    public static func write(_ value: Int, to path: String) -> TrackFileReadError? {
        let text = Array("\(value)\n".utf8)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return TrackFileReadError(description: "cannot open \(path): \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        let written = text.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == text.count else { return TrackFileReadError(description: "cannot write \(path): \(String(cString: strerror(errno)))") }
        return nil
    }
}

/// Why a tracked file could not be read (or written), in words for the log.
public struct TrackFileReadError: Error, Sendable, CustomStringConvertible {
    public let description: String
}
