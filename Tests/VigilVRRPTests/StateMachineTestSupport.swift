import VigilCore
import VigilVRRP

/// Configurations and shorthands for the state machine tests (documentation addresses only).
enum StateMachineFixtures {
    static let addressA = ip("192.0.2.11")
    static let addressB = ip("192.0.2.12")
    static let addressC = ip("192.0.2.13")

    static func ip(_ text: String) -> IPAddress { IPAddress(text) ?? .v4(IPv4Address(rawValue: 0)) }

    static func config(
        name: String = "VI_1", priority: UInt8 = 100, interval: Duration = .seconds(1), preempt: Bool = true,
        preemptDelay: Duration = .zero, state: VRRPConfiguredState = .backup, learnsInterval: Bool = true,
        downTimerAdverts: Int = 3, address: IPAddress = addressA, strict: Bool = false, reaction: Bool = true,
        tracksInterface: Bool = true, interfaces: [VRRPTrack] = [], scripts: [VRRPTrack] = [], files: [VRRPTrack] = []
    ) -> VRRPInstanceConfig {
        VRRPInstanceConfig(
            name: name, virtualRouterId: 51, priority: priority, advertisementInterval: interval, preempt: preempt,
            preemptDelay: preemptDelay, configuredState: state, learnsMasterAdvertisementInterval: learnsInterval,
            downTimerAdverts: downTimerAdverts, primaryAddress: address, strictMode: strict,
            lowerPriorityAdvertReaction: reaction, interface: "eth0", tracksInterface: tracksInterface,
            trackedInterfaces: interfaces, trackedScripts: scripts, trackedFiles: files)
    }

    /// An advert as the runtime would hand it over.
    static func advert(_ priority: UInt8, from sender: IPAddress = addressB, interval: Duration = .seconds(1)) -> VRRPEvent {
        .advertisementReceived(VRRPHeardAdvertisement(priority: priority, senderAddress: sender, maxAdvertisementInterval: interval))
    }

    static func transition(_ from: VRRPStateName, _ to: VRRPStateName, _ reason: VRRPTransitionReason) -> VRRPAction {
        .transition(VRRPTransition(from: from, to: to, reason: reason))
    }

    /// The actions of a backup becoming master, in wire order.
    static func becomingMaster(priority: UInt8, interval: Duration = .seconds(1)) -> [VRRPAction] {
        [.sendAdvertisement(priority: priority), .addVirtualAddresses, .sendGratuitousARPBurst(.becameMaster),
         .setTimer(.advertisement, after: interval)]
    }

    /// A machine after startup (a backup, unless it is the owner or faulty).
    static func started(_ config: VRRPInstanceConfig, at now: Duration = .zero) -> VRRPStateMachine {
        var machine = VRRPStateMachine(config: config)
        _ = machine.handle(.startup, now: now)
        return machine
    }

    /// A machine that won the election: started at 0, master when Master_Down fired.
    static func master(_ config: VRRPInstanceConfig) -> (VRRPStateMachine, now: Duration) {
        var machine = started(config)
        guard case .backup(let backup) = machine.state else { return (machine, .zero) }
        _ = machine.handle(.timerFired(.masterDown), now: backup.masterDownDeadline)
        return (machine, backup.masterDownDeadline)
    }

    static func transitions(_ actions: [VRRPAction]) -> [VRRPTransition] {
        actions.compactMap { if case .transition(let transition) = $0 { transition } else { nil } }
    }
}

/// One router of a simulation: a machine, the timers the runtime would keep for it, and what it did.
struct SimulatedRouter {
    var machine: VRRPStateMachine
    /// Armed timers and their deadlines.
    var timers: [VRRPTimer: Duration] = [:]
    /// False after a kill -9: it neither sends, receives nor fires timers.
    var isAlive = true
    var ownsVirtualAddresses = false
    /// (time, priority) of every advert sent.
    var advertsSent: [(at: Duration, priority: UInt8)] = []
    var transitions: [(at: Duration, transition: VRRPTransition)] = []

    init(_ config: VRRPInstanceConfig) { machine = VRRPStateMachine(config: config) }

    var address: IPAddress { machine.config.primaryAddress }

    /// Handles an event as the runtime would; returns the priorities of the adverts to put on the wire.
    mutating func handle(_ event: VRRPEvent, at now: Duration) -> [UInt8] {
        var sent: [UInt8] = []
        for action in machine.handle(event, now: now) {
            switch action {
            case .sendAdvertisement(let priority):
                sent.append(priority)
                advertsSent.append((now, priority))
            case .setTimer(let timer, let after): timers[timer] = now + after
            case .cancelTimer(let timer): timers[timer] = nil
            case .addVirtualAddresses: ownsVirtualAddresses = true
            case .removeVirtualAddresses: ownsVirtualAddresses = false
            case .transition(let transition): transitions.append((now, transition))
            case .sendGratuitousARPBurst, .priorityChanged: break
            }
        }
        return sent
    }

    /// The earliest armed timer.
    var nextTimer: (timer: VRRPTimer, at: Duration)? {
        timers.min { ($0.value, $0.key.rawValue) < ($1.value, $1.key.rawValue) }.map { ($0.key, $0.value) }
    }
}

/// An in-memory wire between routers on one segment, driven by a manual clock that jumps to the
/// next timer or arrival. Adverts reach every other live router `linkDelay` after they are sent,
/// in send order; with no delay they arrive before any timer of the same instant.
struct VRRPLab {
    var now: Duration = .zero
    var routers: [SimulatedRouter]
    var linkDelay: Duration
    /// Adverts on the wire: arrival time, receiver, event.
    var inFlight: [(at: Duration, target: Int, event: VRRPEvent)] = []

    init(_ configs: [VRRPInstanceConfig], linkDelay: Duration = .zero) {
        routers = configs.map(SimulatedRouter.init)
        self.linkDelay = linkDelay
    }

    /// Hands an event to one router now, then delivers whatever is due by now.
    mutating func deliver(_ event: VRRPEvent, to index: Int) {
        handle(event, by: index)
        while let next = nextArrival(), next.at <= now { arrive(next.position) }
    }

    private mutating func handle(_ event: VRRPEvent, by index: Int) {
        guard routers[index].isAlive else { return }
        let sent = routers[index].handle(event, at: now)
        let sender = routers[index]
        for priority in sent {
            let advert = VRRPHeardAdvertisement(
                priority: priority, senderAddress: sender.address,
                maxAdvertisementInterval: sender.machine.config.advertisementInterval)
            for other in routers.indices where other != index {
                inFlight.append((now + linkDelay, other, .advertisementReceived(advert)))
            }
        }
    }

    private mutating func arrive(_ position: Int) {
        let arrival = inFlight.remove(at: position)
        handle(arrival.event, by: arrival.target)
    }

    /// The earliest arrival, first sent first.
    private func nextArrival() -> (at: Duration, position: Int)? {
        var best: (at: Duration, position: Int)?
        for (position, arrival) in inFlight.enumerated() where best.map({ arrival.at < $0.at }) ?? true {
            best = (arrival.at, position)
        }
        return best
    }

    mutating func start(_ index: Int) { deliver(.startup, to: index) }

    mutating func startAll() { for index in routers.indices { start(index) } }

    /// kill -9: silent from now on; nothing is sent, not even priority 0.
    mutating func kill(_ index: Int) {
        routers[index].isAlive = false
        routers[index].timers = [:]
    }

    /// SIGTERM: the machine shuts down, and what it sends goes out first.
    mutating func shutdown(_ index: Int) { deliver(.shutdown, to: index) }

    /// A new process with the same configuration (the VIPs went with the old one).
    mutating func restart(_ index: Int) {
        routers[index] = SimulatedRouter(routers[index].machine.config)
        start(index)
    }

    /// Delivers arrivals and fires timers in time order (arrivals first, then router order, on
    /// ties) up to and including `limit`.
    mutating func run(until limit: Duration) {
        while true {
            let arrival = nextArrival()
            let timer = nextTimer()
            if let arrival, arrival.at <= limit, timer.map({ arrival.at <= $0.2 }) ?? true {
                now = arrival.at
                arrive(arrival.position)
            } else if let (index, kind, at) = timer, at <= limit {
                now = at
                routers[index].timers[kind] = nil
                handle(.timerFired(kind), by: index)
            } else {
                break
            }
        }
        now = limit
    }

    private func nextTimer() -> (Int, VRRPTimer, Duration)? {
        var best: (Int, VRRPTimer, Duration)?
        for index in routers.indices where routers[index].isAlive {
            if let next = routers[index].nextTimer, best.map({ next.at < $0.2 }) ?? true {
                best = (index, next.timer, next.at)
            }
        }
        return best
    }

    /// The routers that hold the VIPs now.
    var owners: [Int] { routers.indices.filter { routers[$0].isAlive && routers[$0].ownsVirtualAddresses } }

    func state(_ index: Int) -> VRRPStateName { routers[index].machine.state.name }

    /// When router `index` last became master.
    func becameMaster(_ index: Int) -> (at: Duration, reason: VRRPTransitionReason)? {
        routers[index].transitions.last { $0.transition.to == .master }.map { ($0.at, $0.transition.reason) }
    }
}
