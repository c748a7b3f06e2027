import Foundation

/// A first-in first-out queue between one producer thread and one consumer that holds at
/// most `capacity` items: the producer waits while it is full, the consumer while it is
/// empty, so a fast producer takes no more memory than `capacity` items.
final class BoundedQueue<Element>: @unchecked Sendable {
    private let capacity: Int
    private let condition = NSCondition()
    private var items: [Element] = []
    private var isClosed = false
    private var isCancelled = false

    init(capacity: Int) {
        precondition(capacity >= 1)
        self.capacity = capacity
    }

    /// Adds `item`, waiting for room; false (the item dropped) once the consumer cancelled.
    func push(_ item: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !isCancelled { condition.wait() }
        guard !isCancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// Tells the consumer that no more items will come.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next item, waiting for one; nil once the queue is closed and empty.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !isClosed { condition.wait() }
        guard !items.isEmpty else { return nil }
        // At most `capacity` items, so moving the rest down costs less than the work on one.
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// Makes every waiting and later `push` return false, so that the producer stops.
    func cancel() {
        condition.lock()
        isCancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
