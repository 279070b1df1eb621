import Logging
import NIOCore
import VigilCore
import VigilPlatform
import VigilTelemetry
import VigilVRRP

/// The state and configuration gauges of an instance.
extension VRRPEngine {
    /// `vigil_vrrp_state`: 1 for `current`, 0 for every other state.
    static func publishState(_ current: VRRPStateName, of plan: VRRPInstancePlan, registry: MetricRegistry) {
        for state in VRRPStateName.allCases {
            registry.gauge(
                VRRPMetrics.state,
                VRRPStateLabels(vrrpInstance: plan.name, interface: plan.interface, vrid: Int(plan.machine.virtualRouterId), state: state.rawValue)
            ).set(state == current)
        }
    }

    static func publishConfigured(_ plan: VRRPInstancePlan, registry: MetricRegistry) {
        let labels = VRRPInstanceLabels(vrrpInstance: plan.name)
        registry.gauge(VRRPMetrics.configuredPriority, labels).set(Int(plan.machine.priority))
        registry.gauge(VRRPMetrics.effectivePriority, labels).set(Int(plan.machine.priority))
        for counter in [VRRPMetrics.advertsSentTotal, VRRPMetrics.advertsReceivedTotal, VRRPMetrics.priorityZeroSentTotal,
                        VRRPMetrics.priorityZeroReceivedTotal] {
            registry.counter(counter, labels).increment(by: 0)
        }
        publishState(.initialize, of: plan, registry: registry)
        for address in plan.virtualAddresses {
            registry.gauge(VRRPMetrics.vipOwned, VIPLabels(vrrpInstance: plan.name, vip: "\(address.prefix)", interface: address.interface)).set(0)
        }
    }
}
