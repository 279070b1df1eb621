/// Tracking keywords keepalived 2.2.7 accepts that Vigil does not act on, with the reason.
enum TrackingUnsupportedKeywords {
    static let noBFD = "BFD is not implemented"

    /// Every keyword of a bfd_instance block: the block is read for its name only.
    static let list: [UnsupportedKeyword] = [
        "neighbor_ip", "neighbour_ip", "source_ip", "min_rx", "min_tx", "idle_tx", "multiplier", "passive",
        "ttl", "hoplimit", "max_hops", "weight", "vrrp", "checker",
    ].map { UnsupportedKeyword("bfd_instance", $0, noBFD) }
}
