import Foundation
@testable import SemHiTokCLI
import Testing

/// The queue between `encode`'s preparation thread and the model: order kept, the end
/// signalled, and a cancelled consumer releasing a producer that waits for room.
struct BoundedQueueTests {
    @Test func itemsComeOutInOrderThroughASmallQueue() {
        let queue = BoundedQueue<Int>(capacity: 3)
        Thread {
            for item in 0..<1000 { _ = queue.push(item) }
            queue.close()
        }.start()
        var received: [Int] = []
        while let item = queue.pop() { received.append(item) }
        #expect(received == Array(0..<1000))
    }

    /// A producer waiting on a full queue returns false once the consumer cancels.
    @Test func cancellingReleasesAWaitingProducer() {
        let queue = BoundedQueue<Int>(capacity: 1)
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var results: [Bool] = []
        Thread {
            results = [queue.push(1), queue.push(2)]
            done.signal()
        }.start()
        usleep(50_000)
        queue.cancel()
        done.wait()
        #expect(results == [true, false])
        #expect(queue.push(3) == false)
    }
}
