/// Written by scripts/stamp-revision.sh before a build; the committed value is the fallback.
enum VigilRevision {
    static let value = "unknown"
}
