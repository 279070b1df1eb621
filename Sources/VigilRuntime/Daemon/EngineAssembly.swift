import Logging
import NIOCore
import VigilConfig
import VigilVRRP

/// What the engines are built from, for start-up and reload alike: the one place that turns a
/// configuration into the engines' inputs (instance plans, sync groups, track_script and
/// track_file runners, probes, mail settings), so a reload builds them as start-up does.
struct EngineAssembly {
    let configuration: Configuration
    let logger: Logger

    /// The instances that can run here; the others are logged once and left out.
    var vrrpPlans: [VRRPInstancePlan] {
        configuration.vrrp.vrrpInstances.compactMap { instance in
            // Read and checked by the configuration, not yet carried out: say so once, at start.
            var ignored: [String] = []
            if instance.useVmac != nil { ignored.append("use_vmac (the VIPs go on the interface itself)") }
            if !instance.trackProcess.isEmpty { ignored.append("track_process") }
            if !ignored.isEmpty {
                logger.warning(
                    "vrrp_instance settings not applied yet", metadata: ["vrrp_instance": "\(instance.name)", "settings": "\(ignored.joined(separator: ", "))"])
            }
            switch VRRPInstancePlan.make(instance, scripts: configuration.global.globalDefs.scripts, tracking: configuration.tracking) {
            case .success(let plan): return plan
            case .failure(let problem):
                logger.error("vrrp_instance not started", metadata: ["vrrp_instance": "\(instance.name)", "reason": "\(problem)"])
                return nil
            }
        }
    }

    var syncGroups: [VRRPSyncGroupCoordinator] {
        configuration.vrrp.vrrpSyncGroups.map { VRRPSyncGroupCoordinator(name: $0.name, members: $0.group.map(\.value)) }
    }

    var trackScripts: TrackScriptRunner { TrackScriptRunner(configuration: configuration, logger: logger) }

    var trackFiles: TrackFileWatcher { TrackFileWatcher(configuration: configuration, logger: logger) }

    /// The names of every vrrp_instance in the file, planned or not.
    var configuredInstances: Set<String> { Set(configuration.vrrp.vrrpInstances.map(\.name)) }

    func probes(on group: any EventLoopGroup) -> ProbeFactory { ProbeFactory(configuration: configuration, group: group) }

    var mailSetup: MailSetup? {
        MailSetup.make(configuration, hostName: ProbeFactory.hostName(), version: BuildIdentity.current.version)
    }
}
