import VigilCore

/// Why an instance changed state, in the words an operator asks "why did the VIP move?" in: which
/// advert from which address with which priority, which timer, which tracked interface, script or
/// file, a sync group peer, a shutdown. Pure: the runtime passes what it knew at the moment.
public enum VRRPTransitionCause {
    /// The last valid advert an instance heard.
    public struct LastAdvert: Sendable, Hashable {
        public var address: IPAddress
        public var priority: UInt8
        /// On the instance's clock.
        public var at: Duration

        public init(address: IPAddress, priority: UInt8, at: Duration) {
            self.address = address
            self.priority = priority
            self.at = at
        }
    }

    /// One sentence for `transition`, made by `trigger` (the event handled), knowing the last advert
    /// heard and the instance's effective priority. `note` says what only the caller knows (SIGTERM
    /// or a reload for a shutdown; the sync group peer that moved).
    public static func describe(
        _ transition: VRRPTransition, trigger: VRRPEvent?, lastAdvert: LastAdvert?, ownPriority: UInt8, now: Duration, note: String? = nil
    ) -> String {
        let heard = lastAdvert.map { "\($0.address), priority \($0.priority)" }
        switch transition.reason {
        case .startup:
            return "started: Initialize → \(transition.to.rawValue.uppercased())"
        case .addressOwner:
            return "priority 255: the address owner becomes master at once"
        case .masterDownTimer:
            guard let lastAdvert else { return "master down timer expired (no advert heard since start)" }
            return "master down timer expired (last advert from \(lastAdvert.address), priority \(lastAdvert.priority), \((now - lastAdvert.at).wholeMilliseconds) ms ago)"
        case .preempt:
            return "preempted: master down timer expired while ignoring the lower-priority master (\(heard ?? "none heard")); own priority \(ownPriority)"
        case .priorityZeroReceived:
            return "priority 0 received from \(lastAdvert.map { "\($0.address)" } ?? "the master"): it resigned; took over after Skew_Time"
        case .higherPriorityAdvert:
            return "advert from \(heard ?? "a peer") is above own priority \(ownPriority)"
        case .equalPriorityHigherAddress:
            return "advert from \(heard ?? "a peer") has own priority \(ownPriority) and a higher address"
        case .shutdown:
            return note ?? "shutdown"
        case .interfaceDown, .interfaceUp, .trackScript, .trackFile, .faultCleared:
            return tracking(trigger) ?? String(transition.reason.rawValue.map { $0 == "_" ? " " : $0 })
        case .syncGroup:
            return note ?? "its sync group moved it"
        }
    }

    private static func tracking(_ trigger: VRRPEvent?) -> String? {
        switch trigger {
        case .interfaceDown(let name)?: "tracked interface \(name) went down"
        case .interfaceUp(let name)?: "tracked interface \(name) came up"
        case .trackScriptResult(let name, let isUp)?: "vrrp_script \(name) \(isUp ? "succeeds" : "fails")"
        case .trackFileValue(let name, let value)?: "track_file \(name) reads \(value)"
        default: nil
        }
    }

}
