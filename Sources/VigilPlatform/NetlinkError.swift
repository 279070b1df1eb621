import CLibNL

/// A failed libnl call: libnl's error number (NLE_*, positive) and its text from nl_geterror.
public struct NetlinkError: Error, Sendable, Equatable, CustomStringConvertible {
    public let code: Int32
    public let message: String

    /// Accepts the negative value libnl calls return as well as the positive NLE_* number.
    public init(code: Int32) {
        self.code = code.magnitude <= Int32.max ? Int32(code.magnitude) : Int32.max
        message = String(cString: nl_geterror(self.code))
    }

    public var description: String { "\(message) (libnl error \(code))" }
}
