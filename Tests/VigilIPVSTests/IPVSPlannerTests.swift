import Testing
import VigilCore
import VigilIPVS

@Suite("IPVSPlanner")
struct IPVSPlannerTests {
    typealias V = IPVSTestValues
    let web = V.tcp("192.0.2.10")
    let first = V.destination("198.51.100.1")
    let second = V.destination("198.51.100.2")

    @Test func emptyKernelGetsServiceThenDestinations() {
        let desired = V.table([(V.service(web), [second, first])])
        let plan = IPVSPlanner.plan(desired: desired, actual: IPVSTable(), managed: [])
        #expect(plan == [.addService(V.service(web)), .addDestination(web, first), .addDestination(web, second)])
    }

    @Test func identicalTablesPlanNothing() {
        let table = V.table([(V.service(web, persistence: 300), [first, second])])
        #expect(IPVSPlanner.plan(desired: table, actual: table, managed: [web]).isEmpty)
    }

    @Test func weightChangeIsOneEditAndLeavesTheOtherDestinationAlone() {
        let actual = V.table([(V.service(web), [first, second])])
        var lighter = second
        lighter.weight = 0
        let desired = V.table([(V.service(web), [first, lighter])])
        #expect(IPVSPlanner.plan(desired: desired, actual: actual, managed: [web]) == [.editDestination(web, lighter)])
    }

    @Test(arguments: [
        IPVSDestination(
            key: IPVSDestinationKey(address: V.address("198.51.100.2"), port: 80), forwarding: .masquerade, weight: 1),
        IPVSDestination(
            key: IPVSDestinationKey(address: V.address("198.51.100.2"), port: 80), forwarding: .directRoute, weight: 1,
            upperThreshold: 100),
        IPVSDestination(
            key: IPVSDestinationKey(address: V.address("198.51.100.2"), port: 80), forwarding: .directRoute, weight: 1,
            lowerThreshold: 5),
    ])
    func forwardingOrThresholdChangeIsEditedInPlace(changed: IPVSDestination) {
        let actual = V.table([(V.service(web), [first, second])])
        let desired = V.table([(V.service(web), [first, changed])])
        #expect(IPVSPlanner.plan(desired: desired, actual: actual, managed: [web]) == [.editDestination(web, changed)])
    }

    @Test func removedDestinationIsDeleted() {
        let actual = V.table([(V.service(web), [first, second])])
        let desired = V.table([(V.service(web), [first])])
        #expect(IPVSPlanner.plan(desired: desired, actual: actual, managed: [web]) == [.deleteDestination(web, second.key)])
    }

    @Test func addsAndEditsComeBeforeDeletesWithinAService() {
        let third = V.destination("198.51.100.3")
        var heavier = second
        heavier.weight = 5
        let actual = V.table([(V.service(web), [first, second])])
        let desired = V.table([(V.service(web), [heavier, third])])
        let plan = IPVSPlanner.plan(desired: desired, actual: actual, managed: [web])
        #expect(plan == [.editDestination(web, heavier), .addDestination(web, third), .deleteDestination(web, first.key)])
    }

    @Test(arguments: [
        IPVSService(key: IPVSTestValues.tcp("192.0.2.10"), scheduler: "wlc"),
        IPVSService(key: IPVSTestValues.tcp("192.0.2.10"), scheduler: "rr", persistenceTimeout: 60),
        IPVSService(key: IPVSTestValues.tcp("192.0.2.10"), scheduler: "rr", flags: IPVSServiceFlags.onePacket),
    ])
    func serviceChangeIsAnEditThatKeepsDestinations(changed: IPVSService) {
        let actual = V.table([(V.service(web), [first, second])])
        let desired = V.table([(changed, [first, second])])
        #expect(IPVSPlanner.plan(desired: desired, actual: actual, managed: [web]) == [.editService(changed)])
    }

    @Test func persistenceNetmaskChangeIsAnEdit() {
        let actual = V.table([(V.service(web, persistence: 300), [first])])
        let changed = IPVSService(key: web, scheduler: "rr", persistenceTimeout: 300, persistencePrefixLength: 24)
        let desired = V.table([(changed, [first])])
        #expect(IPVSPlanner.plan(desired: desired, actual: actual, managed: [web]) == [.editService(changed)])
    }

    @Test func netmaskOfAServiceWithoutPersistenceIsIgnored() {
        // The kernel keeps whatever netmask it was given but never reads it without persistence.
        let actual = V.table([(IPVSService(key: web, scheduler: "rr", persistencePrefixLength: 0), [first])])
        let desired = V.table([(V.service(web), [first])])
        #expect(IPVSPlanner.plan(desired: desired, actual: actual, managed: [web]).isEmpty)
    }

    @Test func managedServiceNoLongerDesiredLosesDestinationsThenItself() {
        let old = V.tcp("192.0.2.20", 443)
        let actual = V.table([(V.service(web), [first]), (V.service(old), [second, first])])
        let desired = V.table([(V.service(web), [first])])
        let plan = IPVSPlanner.plan(desired: desired, actual: actual, managed: [web, old])
        #expect(plan == [.deleteDestination(old, first.key), .deleteDestination(old, second.key), .deleteService(old)])
    }

    @Test func serviceConfiguredByHandIsLeftAlone() {
        let byHand = V.tcp("192.0.2.99", 8080)
        let actual = V.table([(V.service(web), [first]), (V.service(byHand, scheduler: "sh"), [second])])
        let desired = V.table([(V.service(web), [first])])
        #expect(IPVSPlanner.plan(desired: desired, actual: actual, managed: [web]).isEmpty)
    }

    @Test func desiredServiceFoundInTheKernelIsTakenOverWithoutReadding() {
        // Left by a previous run or by hand: reconciled in place, never deleted and re-added.
        let actual = V.table([(V.service(web, scheduler: "wlc"), [first, second])])
        let desired = V.table([(V.service(web), [first])])
        let plan = IPVSPlanner.plan(desired: desired, actual: actual, managed: [])
        #expect(plan == [.editService(V.service(web)), .deleteDestination(web, second.key)])
    }

    @Test func firewallMarkAndIPv6ServicesAreKeysOfTheirOwn() {
        let markV4 = IPVSServiceKey.firewallMark(7, .ipv4)
        let markV6 = IPVSServiceKey.firewallMark(7, .ipv6)
        let web6 = IPVSServiceKey.address(.tcp, V.address("2001:db8::10"), port: 80)
        let real6 = V.destination("2001:db8::1")
        let desired = V.table([(V.service(markV4), [first]), (V.service(markV6), [real6]), (V.service(web6), [real6])])
        let actual = V.table([(V.service(markV4), [first])])
        let plan = IPVSPlanner.plan(desired: desired, actual: actual, managed: [])
        #expect(
            plan == [
                .addService(V.service(web6)), .addDestination(web6, real6),
                .addService(V.service(markV6)), .addDestination(markV6, real6),
            ])
    }

    @Test func everyDestinationFollowsItsServiceAndPrecedesItsDeletion() {
        var desired: [(IPVSService, [IPVSDestination])] = []
        var actual: [(IPVSService, [IPVSDestination])] = []
        for index in 0..<20 {
            let key = V.tcp("192.0.2.\(index + 1)")
            let destinations = (0..<3).map { V.destination("198.51.100.\($0 + 1)", UInt16(8000 + index)) }
            if index % 2 == 0 { desired.append((V.service(key), destinations)) }
            if index % 3 == 0 { actual.append((V.service(key, scheduler: "wrr"), Array(destinations.prefix(1)))) }
        }
        let managed = Set(actual.map(\.0.key))
        let plan = IPVSPlanner.plan(desired: V.table(desired), actual: V.table(actual), managed: managed)
        var present = Set(actual.map(\.0.key))
        for operation in plan {
            switch operation {
            case .addService(let service): #expect(present.insert(service.key).inserted)
            case .deleteService(let key): #expect(present.remove(key) != nil)
            default: #expect(present.contains(operation.serviceKey), "\(operation) while its service is absent")
            }
        }
        #expect(present == Set(desired.map(\.0.key)))
        // Deletions of a removed service's destinations come before the service's own deletion.
        for case .deleteService(let key) in plan {
            let serviceIndex = plan.firstIndex(of: .deleteService(key)) ?? -1
            for (index, operation) in plan.enumerated() where operation.serviceKey == key {
                #expect(index <= serviceIndex)
            }
        }
    }

    @Test func planIsDeterministic() {
        let desired = V.table((1...50).map { (V.service(V.tcp("192.0.2.\($0)")), [first, second]) })
        let once = IPVSPlanner.plan(desired: desired, actual: IPVSTable(), managed: [])
        let again = IPVSPlanner.plan(desired: desired, actual: IPVSTable(), managed: [])
        #expect(once == again)
        #expect(once.first == .addService(V.service(V.tcp("192.0.2.1"))))
    }

    /// Sanity, not a benchmark: 11,000 operations into an empty table and a no-op over the full one.
    @Test(.timeLimit(.minutes(1))) func thousandServicesTimesTenDestinations() {
        var entries: [(IPVSService, [IPVSDestination])] = []
        for index in 0..<1_000 {
            let key = IPVSServiceKey.address(
                .tcp, .v4(IPv4Address(192, 0, 2, UInt8(index % 250 + 1))), port: UInt16(10_000 + index))
            let destinations = (0..<10).map {
                IPVSDestination(
                    key: IPVSDestinationKey(address: .v4(IPv4Address(198, 51, 100, UInt8($0 + 1))), port: 80),
                    forwarding: .masquerade, weight: 1)
            }
            entries.append((V.service(key), destinations))
        }
        let desired = V.table(entries)
        let fill = IPVSPlanner.plan(desired: desired, actual: IPVSTable(), managed: [])
        #expect(fill.count == 11_000)
        #expect(IPVSPlanner.plan(desired: desired, actual: desired, managed: Set(desired.services.keys)).isEmpty)
        #expect(IPVSPlanner.plan(desired: IPVSTable(), actual: desired, managed: Set(desired.services.keys)).count == 11_000)
    }
}
