import Testing
import VigilMail

@Suite("Bounded mail queue")
struct MailQueueTests {
    @Test("When full, the oldest is dropped for the newest")
    func dropOldest() {
        var queue = MailQueue<Int>(capacity: 3)
        for value in 1...3 { #expect(queue.enqueue(value, now: .zero) == nil) }
        let dropped = queue.enqueue(4, now: .seconds(1))
        #expect(dropped?.item == 1)
        #expect(queue.count == 3)
        #expect(queue.takeDue(now: .seconds(1))?.item == 2)
    }

    @Test("Entries wait for their retry time; attempts are counted")
    func retryTimes() {
        var queue = MailQueue<String>()
        _ = queue.enqueue("a", now: .zero)
        let first = queue.takeDue(now: .zero)
        #expect(first?.attempts == 1)
        queue.retry(id: first?.id ?? 0, at: .seconds(5))
        #expect(queue.takeDue(now: .seconds(4)) == nil)
        #expect(queue.nextDue == .seconds(5))
        #expect(queue.takeDue(now: .seconds(5))?.attempts == 2)
        queue.remove(id: first?.id ?? 0)
        #expect(queue.isEmpty)
    }

    @Test("The default capacity is 100")
    func capacity() {
        var queue = MailQueue<Int>()
        var drops = 0
        for value in 0..<150 where queue.enqueue(value, now: .zero) != nil { drops += 1 }
        #expect(queue.count == 100)
        #expect(drops == 50)
    }
}
