/// What a server answered to one GET, reduced to what the checks look at.
struct HTTPReply: Sendable {
    let status: Int
    /// MD5 of the body, 32 lower-case hex digits.
    let digest: String
    /// The body itself, kept only when a regex has to look at it.
    let body: [UInt8]?
}
