import Testing
import VigilConfig
import VigilCore
import VigilVRRP
@testable import VigilRuntime

@Suite("VRRP instance plans from keepalived.conf")
struct VRRPInstancePlanTests {
    static func plan(_ body: String, global: String = "") throws -> VRRPInstancePlan {
        let text = "global_defs {\n\(global)\n}\nvrrp_instance VI_1 {\n\(body)\n}\n"
        let result = ConfigLoader.load(text: text)
        #expect(!result.hasErrors, "\(result.diagnostics.errors)")
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        return try VRRPInstancePlan.make(instance, scripts: result.configuration.global.globalDefs.scripts, tracking: result.configuration.tracking).get()
    }

    @Test("v2 with PASS: password on the wire, whole-second interval, adverts to the group")
    func v2Pass() throws {
        let plan = try Self.plan("""
            state MASTER
            interface eth9
            unicast_src_ip 192.0.2.1
            virtual_router_id 51
            priority 100
            advert_int 2
            authentication {
              auth_type PASS
              auth_pass 123456789
            }
            virtual_ipaddress {
              192.0.2.100/24 dev eth9 label eth9:vip
            }
            """)
        #expect(plan.version == .v2)
        #expect(plan.advertIntervalField == 2)
        #expect(plan.authentication == .password("12345678"))
        #expect(plan.destinations == [.v4(IPv4Address(224, 0, 0, 18))])
        #expect(plan.source == .v4(IPv4Address(192, 0, 2, 1)))
        #expect(plan.virtualAddresses.map(\.description) == ["192.0.2.100/24 dev eth9"])
        #expect(plan.virtualAddresses.first?.label == "eth9:vip")
        #expect(plan.machine.priority == 100)
        #expect(plan.machine.preempt)
        #expect(plan.machine.configuredState == .master)
    }

    @Test("v3: centisecond interval, no authentication, unicast peers replace the group")
    func v3Unicast() throws {
        let plan = try Self.plan("""
            state BACKUP
            nopreempt
            interface eth9
            unicast_src_ip 192.0.2.2
            unicast_peer {
              192.0.2.1
              192.0.2.3
            }
            virtual_router_id 52
            priority 50
            advert_int 0.1
            virtual_ipaddress {
              192.0.2.101/24
            }
            """, global: "vrrp_version 3")
        #expect(plan.version == .v3)
        #expect(plan.advertIntervalField == 10)
        #expect(plan.authentication == .none)
        #expect(plan.destinations == [.v4(IPv4Address(192, 0, 2, 1)), .v4(IPv4Address(192, 0, 2, 3))])
        #expect(!plan.machine.preempt, "nopreempt counts with state BACKUP")
    }

    @Test("nopreempt and preempt_delay count only with state BACKUP, as in keepalived")
    func nopreemptNeedsBackup() throws {
        let plan = try Self.plan("""
            state MASTER
            nopreempt
            preempt_delay 10
            interface eth9
            unicast_src_ip 192.0.2.1
            virtual_router_id 51
            priority 100
            virtual_ipaddress {
              192.0.2.100/24
            }
            """)
        #expect(plan.machine.preempt)
        #expect(plan.machine.preemptDelay == .zero)
    }

    @Test("An instance on an interface with no address of its family cannot run, and says why")
    func noSourceAddress() throws {
        let result = ConfigLoader.load(text: """
            vrrp_instance VI_1 {
              interface vigil-nosuch0
              virtual_router_id 51
              priority 100
              virtual_ipaddress {
                192.0.2.100/24
              }
            }
            """)
        let instance = try #require(result.configuration.vrrp.vrrpInstances.first)
        guard case .failure(let problem) = VRRPInstancePlan.make(instance, scripts: result.configuration.global.globalDefs.scripts, tracking: result.configuration.tracking) else {
            Issue.record("a plan without a source address")
            return
        }
        #expect(problem.description == "vrrp_instance VI_1: interface vigil-nosuch0 has no IPv4 address")
    }
}
