import Testing
import VigilCheck
import VigilConfig

@Suite("QuorumState: quorum with hysteresis")
struct QuorumStateTests {
    @Test("starts up only at quorum + hysteresis", arguments: [(3, false), (4, false), (5, true), (6, true)])
    func initialState(liveWeight: Int, expectUp: Bool) {
        #expect(QuorumState(quorum: 4, hysteresis: 1, liveWeight: liveWeight).isUp == expectUp)
    }

    @Test("no flapping inside the band; gained at quorum + hysteresis, lost below quorum − hysteresis")
    func hysteresisBand() {
        var state = QuorumState(quorum: 4, hysteresis: 1, liveWeight: 6)
        #expect(state.gainThreshold == 5 && state.lossThreshold == 3)
        #expect(state.update(liveWeight: 4) == nil)
        #expect(state.update(liveWeight: 3) == nil, "3 is not below 3")
        #expect(state.update(liveWeight: 5) == nil)
        #expect(state.update(liveWeight: 3) == nil)
        #expect(state.update(liveWeight: 2) == .lost)
        #expect(!state.isUp)
        for weight in [3, 4, 3, 4] {
            #expect(state.update(liveWeight: weight) == nil, "weight \(weight) inside the band keeps it down")
        }
        #expect(state.update(liveWeight: 5) == .gained)
        #expect(state.update(liveWeight: 5) == nil)
    }

    @Test("no live weight at all loses the quorum even when the threshold allows it")
    func zeroWeight() {
        var state = QuorumState(quorum: 1, hysteresis: 1, liveWeight: 2)
        #expect(state.lossThreshold == 0)
        #expect(state.update(liveWeight: 0) == .lost)
        #expect(!QuorumState(quorum: 0, hysteresis: 0, liveWeight: 0).isUp)
    }

    @Test("keepalived's corrections: quorum at most the total weight, hysteresis below the quorum")
    func corrections() throws {
        let configuration = CheckTestSupport.load("""
            virtual_server 192.0.2.10 80 {
                protocol TCP
                quorum 50
                hysteresis 60
                real_server 198.51.100.2 80 {
                    weight 3
                }
                real_server 198.51.100.3 80 {
                    weight 4
                }
            }
            """)
        let server = try #require(configuration.lvs.virtualServers.first)
        let state = QuorumState(virtualServer: server, liveWeight: 7)
        #expect(state.quorum == 7 && state.hysteresis == 6)
        // keepalived's own consequence: gaining needs 7 + 6, more than the servers can ever give.
        #expect(!state.isUp && state.gainThreshold == 13)
    }
}
