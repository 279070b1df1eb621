import VigilCore

/// `track_file NAME { ... }` (also `vrrp_track_file`): a file holding a number that moves the
/// priority of trackers (value x weight), or with weight 0 marks them failed when non-zero.
public struct TrackedFile: Sendable, Encodable {
    /// The name track_file entries refer to.
    public let name: Located<String>
    /// `file`: the path watched.
    public let file: Located<String>
    /// `weight` (default 1); VRRP limits the resulting priority change to -254..253.
    public let weight: Located<Int>
    /// `weight N reverse`: apply the weight in the opposite direction.
    public let reverse: Located<Bool>
    /// `init_file [VALUE] [overwrite]`: create (or reset) the file at startup.
    public let initFile: TrackFileInit?
    /// Where the block keyword is written.
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case name, file, weight, reverse, initFile }
}

/// `init_file [VALUE] [overwrite]`.
public struct TrackFileInit: Sendable, Encodable {
    /// The number written (default 0).
    public let value: Located<Int>
    /// `overwrite`: also replace an existing file's contents (not on reload).
    public let overwrite: Located<Bool>
    public let location: SourceLocation

    private enum CodingKeys: String, CodingKey { case value, overwrite }
}
