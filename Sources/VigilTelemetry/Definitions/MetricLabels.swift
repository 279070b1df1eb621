/// A fixed set of label names and one value for each: the type of a family's labels.
///
/// Making labels a type means a series can never be created with the wrong number of labels,
/// and a family can never mix labelled and unlabelled series.
public protocol MetricLabels: Sendable, Hashable {
    /// The label names, in the order `values` gives them.
    static var names: [String] { get }
    /// One value per name.
    var values: [String] { get }
}

/// The labels of a family that has none.
public struct NoLabels: MetricLabels {
    public static let names: [String] = []
    public var values: [String] { [] }
    public init() {}
}
