import Testing
import VigilConfig
import VigilCore
@testable import VigilRuntime

@Suite("VRRP plan diff on reload")
struct VRRPPlanDiffTests {
    static func plans(_ instances: [(name: String, body: String)]) throws -> [VRRPInstancePlan] {
        let text = instances.map { "vrrp_instance \($0.name) {\n\($0.body)\n}\n" }.joined()
        let result = ConfigLoader.load(text: text)
        #expect(!result.hasErrors, "\(result.diagnostics.errors)")
        return try result.configuration.vrrp.vrrpInstances.map { instance in
            try VRRPInstancePlan.make(instance, scripts: result.configuration.global.globalDefs.scripts, tracking: result.configuration.tracking).get()
        }
    }

    static func body(vrid: Int = 51, priority: Int = 100, vips: [String] = ["192.0.2.100/24"], interface: String = "eth9",
                     source: String = "192.0.2.1", peers: [String] = [], notify: String = "", padding: Int = 0) -> String {
        String(repeating: "\n", count: padding) + """
            state BACKUP
            interface \(interface)
            unicast_src_ip \(source)
            virtual_router_id \(vrid)
            priority \(priority)
            \(peers.isEmpty ? "" : "unicast_peer {\n\(peers.joined(separator: "\n"))\n}")
            \(notify)
            virtual_ipaddress {
            \(vips.joined(separator: "\n"))
            }
            """
    }

    @Test("unchanged, changed in place, replaced, added and removed, by instance name")
    func kinds() throws {
        let old = try Self.plans([
            ("SAME", Self.body(vrid: 1)), ("PRIO", Self.body(vrid: 2)), ("VIPS", Self.body(vrid: 3)),
            ("VRID", Self.body(vrid: 4)), ("PEERS", Self.body(vrid: 5)), ("GONE", Self.body(vrid: 6)),
        ])
        let new = try Self.plans([
            // Moved down the file and given a notify script: still the same instance.
            ("SAME", Self.body(vrid: 1, notify: "notify /bin/true", padding: 7)),
            ("PRIO", Self.body(vrid: 2, priority: 150)),
            ("VIPS", Self.body(vrid: 3, vips: ["192.0.2.100/24", "192.0.2.101/24"])),
            ("VRID", Self.body(vrid: 40)),
            ("PEERS", Self.body(vrid: 5, peers: ["192.0.2.2"])),
            ("NEW", Self.body(vrid: 7)),
        ])
        let diff = VRRPPlanDiff(old: old, new: new)
        #expect(diff.unchanged.map(\.name) == ["SAME"])
        #expect(diff.updated.map(\.new.name).sorted() == ["PRIO", "VIPS"])
        #expect(diff.replaced.map(\.new.name).sorted() == ["PEERS", "VRID"])
        #expect(diff.added.map(\.name) == ["NEW"])
        #expect(diff.removed.map(\.name) == ["GONE"])
        #expect(!diff.isEmpty)
    }

    @Test("the same configuration twice is no change at all")
    func identical() throws {
        let plans = try Self.plans([("VI_1", Self.body()), ("VI_2", Self.body(vrid: 52))])
        let diff = VRRPPlanDiff(old: plans, new: try Self.plans([("VI_1", Self.body()), ("VI_2", Self.body(vrid: 52))]))
        #expect(diff.isEmpty)
        #expect(diff.unchanged.count == 2)
    }

    @Test("a new interface or source address is another router: remove and add")
    func interface() throws {
        let old = try Self.plans([("A", Self.body()), ("B", Self.body(vrid: 52))])
        let new = try Self.plans([("A", Self.body(interface: "eth8")), ("B", Self.body(vrid: 52, source: "192.0.2.9"))])
        let diff = VRRPPlanDiff(old: old, new: new)
        #expect(diff.replaced.map(\.new.name).sorted() == ["A", "B"])
        #expect(diff.updated.isEmpty)
    }
}
