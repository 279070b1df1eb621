import Testing
import VigilCheck
import VigilTestSupport

@Suite("CheckAgenda: the next due check among many")
struct CheckAgendaTests {
    @Test("10,000 entries in random order come out by due time, ties by id")
    func ordering() {
        var generator = SplitMix64(seed: 7)
        var agenda = CheckAgenda<CheckerIndex>()
        var expected: [(Int64, CheckerIndex)] = []
        for n in 0..<10_000 {
            // Few distinct due times, so many ties.
            let due = Int64(generator.next() % 500) * 1_000
            let id = CheckerIndex(virtualServer: Int(generator.next() % 50), realServer: n, checker: 0)
            agenda.push(id, at: CheckInstant(microseconds: due))
            expected.append((due, id))
        }
        #expect(agenda.count == 10_000)
        expected.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var popped: [(Int64, CheckerIndex)] = []
        while let entry = agenda.pop() { popped.append((entry.due.microseconds, entry.id)) }
        #expect(popped.count == expected.count)
        #expect(zip(popped, expected).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 })
        #expect(agenda.isEmpty && agenda.nextDue == nil && agenda.pop() == nil)
    }

    @Test("popDue takes exactly the entries due by now, and nextDue tells how long to sleep")
    func popDue() {
        var agenda = CheckAgenda<Int>()
        for (id, due) in [(3, 30), (1, 10), (2, 10), (4, 40)] {
            agenda.push(id, at: CheckTestSupport.at(Double(due)))
        }
        #expect(agenda.nextDue == CheckTestSupport.at(10))
        #expect(agenda.popDue(at: CheckTestSupport.at(5)).isEmpty)
        #expect(agenda.popDue(at: CheckTestSupport.at(30)).map(\.id) == [1, 2, 3])
        #expect(agenda.nextDue == CheckTestSupport.at(40) && agenda.count == 1)
    }

    @Test("interleaved pushes and pops keep the order")
    func interleaved() {
        var agenda = CheckAgenda<Int>()
        var generator = SplitMix64(seed: 99)
        var pending = 0
        var outOfOrder = 0
        var last: (Int64, Int) = (Int64.min, Int.min)
        for step in 0..<20_000 {
            if generator.next() % 3 != 0 || pending == 0 {
                // Pushes never go before the last popped time, as in an engine loop.
                let due = max(last.0, 0) + Int64(generator.next() % 10_000)
                agenda.push(step, at: CheckInstant(microseconds: due))
                pending += 1
            } else if let entry = agenda.pop() {
                let current = (entry.due.microseconds, entry.id)
                if current < last { outOfOrder += 1 }
                last = current
                pending -= 1
            }
        }
        #expect(outOfOrder == 0)
        #expect(agenda.count == pending)
    }
}
