import Testing
import VigilHTTP
import VigilTelemetry
@testable import VigilRuntime

@Suite("Event journal and GET /events")
struct EventJournalTests {
    @Test("Events are numbered, kept up to the capacity, and read after a sequence number")
    func ringAndSince() {
        let journal = EventJournal(capacity: 3, now: { 1_700_000_000.25 })
        for index in 1...5 { journal.emit(.quorum(virtualServer: "vs\(index)", gained: index % 2 == 0, liveWeight: index)) }
        let all = journal.events()
        #expect(all.events.map(\.sequence) == [3, 4, 5])
        #expect(all.last == 5)
        #expect(all.dropped == 2)
        #expect(all.events.first?.line == "2023-11-14T22:13:20.250Z  quorum  vs3: lost its quorum (live weight 3)")
        let later = journal.events(since: 4)
        #expect(later.events.map(\.sequence) == [5])
        #expect(later.dropped == 0)
        #expect(journal.events(since: 5).events.isEmpty)
    }

    @Test("A VRRP transition carries its cause as message and fields")
    func transitionRecord() {
        let journal = EventJournal(now: { 0 })
        journal.emit(.vrrpTransition(instance: "VI_1", from: "backup", to: "master", reason: "master_down_timer", cause: "master down timer expired"))
        let event = journal.events().events[0]
        #expect(event.kind == "vrrp_transition")
        #expect(event.subject == "VI_1")
        #expect(event.message == "BACKUP → MASTER: master down timer expired")
        #expect(event.fields == ["from": "backup", "to": "master", "reason": "master_down_timer", "cause": "master down timer expired"])
    }

    @Test("GET /events serves the journal as JSON with ?since=; a bad since is a 400")
    func served() async throws {
        let fixture = try RouterFixture()
        fixture.events.emit(.reload(file: "/etc/vigil/test.conf", accepted: false, detail: "test.conf:3: error"))
        fixture.events.emit(.realServer(virtualServer: "192.0.2.100:80/tcp", realServer: "198.51.100.11:80", up: false, reason: "connection refused"))
        let response = await fixture.get("/events", query: ["since": "1"])
        #expect(response.status == 200)
        let document = try StatusJSON.decode(EventsDocument.self, from: response.body)
        #expect(document.events.map(\.kind) == ["real_server"])
        #expect(document.last == 2)
        #expect(await fixture.get("/events", query: ["since": "x"]).status == 400)
        #expect(await fixture.get("/events").status == 200)
    }
}
