import Logging
import NIOCore
import VigilCore
import VigilPlatform
import VigilTelemetry
import VigilVRRP

/// Virtual addresses and their announcements: netlink changes in order off the actor, gratuitous
/// ARP / NA bursts once the kernel has the addresses, refreshes on the engine's loop clock.
extension VRRPEngine {
    /// Address changes go through netlink in order, off the actor, so a slow kernel never delays adverts.
    func changeAddresses(of plan: VRRPInstancePlan, add: Bool, only subset: [VirtualAddress]? = nil) {
        let chosen = subset ?? plan.virtualAddresses
        let addresses = host.addresses
        let registry = registry
        let logger = logger
        let previous = addressQueue
        addressQueue = Task {
            await previous?.value
            for address in chosen {
                do {
                    if add { try await addresses.add(address) } else { try await addresses.remove(address) }
                    registry.gauge(VRRPMetrics.vipOwned, VIPLabels(vrrpInstance: plan.name, vip: "\(address.prefix)", interface: address.interface)).set(add)
                } catch {
                    logger.error(
                        add ? "cannot add a virtual address" : "cannot remove a virtual address",
                        metadata: ["vrrp_instance": "\(plan.name)", "vip": "\(address)", "error": "\(error)"])
                }
            }
        }
    }

    func releaseAddressesStillHeld() async {
        await addressQueue?.value
        for running in instances.values {
            for address in running.plan.virtualAddresses { try? await host.addresses.remove(address) }
        }
    }

    /// Sends the bursts of `schedule` after the queued address changes are done, then refreshes
    /// while this instance stays master; the task is replaced or cancelled on the next transition.
    func announce(
        _ plan: VRRPInstancePlan, _ schedule: AnnouncementSchedule, becameMaster: Bool, only subset: [VirtualAddress]? = nil
    ) {
        guard let announcer = announcers[plan.interface] else { return }
        let chosen = subset ?? plan.virtualAddresses
        let registry = registry
        let labels = VRRPInstanceLabels(vrrpInstance: plan.name)
        /// Sends `count` rounds; returns the packets that went out.
        let burst: @Sendable (Int) -> Int = { count in
            var sent = 0
            for _ in 0..<max(count, 1) {
                for address in chosen {
                    switch address.prefix.address {
                    case .v4(let v4):
                        guard (try? announcer.announce(v4)) != nil else { continue }
                        registry.counter(VRRPMetrics.gratuitousARPsSentTotal, labels).increment()
                    case .v6(let v6):
                        guard (try? announcer.announce(v6)) != nil else { continue }
                        registry.counter(VRRPMetrics.neighborAdvertisementsSentTotal, labels).increment()
                    }
                    sent += 1
                }
            }
            return sent
        }
        let (events, name) = (events, plan.name)
        let pending = addressQueue
        let loop = eventLoop
        let task = Task {
            // Announce an address only once the kernel has it.
            await pending?.value
            let sent = burst(schedule.repeat)
            if becameMaster { events?.emit(.announced(instance: name, addresses: chosen.count, packets: sent)) }
            if schedule.secondBurstAfter > .zero {
                guard (try? await loop.sleep(for: schedule.secondBurstAfter)) != nil else { return }
                _ = burst(schedule.repeat)
            }
            guard schedule.refreshEvery > .zero else { return }
            while (try? await loop.sleep(for: schedule.refreshEvery)) != nil {
                _ = burst(schedule.refreshRepeat)
            }
        }
        // The master's schedule (with its refreshes) is the one a new transition cancels; an answer
        // to a lower-priority advert runs beside it.
        if becameMaster {
            instances[plan.name]?.announcing?.cancel()
            instances[plan.name]?.announcing = task
        }
    }
}

extension EventLoop {
    /// Sleeps on this loop's clock (a manual one in tests); throws when the task is cancelled.
    func sleep(for duration: Duration) async throws {
        let scheduled = scheduleTask(in: .nanoseconds(duration.wholeNanoseconds)) {}
        try await withTaskCancellationHandler {
            try await scheduled.futureResult.get()
        } onCancel: {
            scheduled.cancel()
        }
    }
}
