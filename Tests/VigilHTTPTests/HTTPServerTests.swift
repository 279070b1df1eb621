import Testing

/// Every suite of this target nests here so they run one at a time: the load test's thousand
/// threads and the timing checks must not share two cores with each other.
@Suite(.serialized)
struct HTTPServerTests {}
