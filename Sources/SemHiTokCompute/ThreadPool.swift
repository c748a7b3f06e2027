import Foundation

/// A persistent pool of worker threads that runs the parts of one computation at a time,
/// part 0 on the calling thread and part `i` on worker `i`, and returns when all are done.
///
/// Workers are created when a computation first needs them and then wait on a condition
/// between computations. Each participant (the caller's slot and every worker) owns a
/// `ScratchMemory` that it reuses from one computation to the next. A caller that finds the
/// pool busy (another thread's computation, or a part that itself calls `run`) computes
/// all of its parts on its own thread with fresh scratch memory: slower, never wrong,
/// since parts never depend on which thread runs them.
final class ThreadPool: @unchecked Sendable {
    /// The pool the compute kernels share; it lives as long as the process (its workers
    /// hold it).
    static let shared = ThreadPool()

    private init() {}

    /// The body of the running computation; with the fields below, guarded by `condition`.
    private var job: (@Sendable (Int, ScratchMemory) -> Void)?
    private var jobParts = 0
    /// Incremented for each computation, so that a worker runs each one at most once.
    private var generation = 0
    /// Workers' parts not yet finished.
    private var remaining = 0
    private var workerCount = 0
    private let condition = NSCondition()
    /// Held for the whole of a computation that uses the workers.
    private let entry = NSLock()
    /// The caller's scratch memory, used only while `entry` is held.
    private let callerScratch = ScratchMemory()

    /// Runs `body(part, scratch)` for every `part` in `0 ..< parts`, concurrently, and
    /// returns when all have returned.
    func run(parts: Int, _ body: @Sendable (_ part: Int, _ scratch: ScratchMemory) -> Void) {
        guard entry.try() else {
            let scratch = ScratchMemory()
            for part in 0..<parts { body(part, scratch) }
            return
        }
        defer { entry.unlock() }
        guard parts > 1 else {
            if parts == 1 { body(0, callerScratch) }
            return
        }
        withoutActuallyEscaping(body) { body in
            condition.lock()
            while workerCount < parts - 1 {
                workerCount += 1
                let index = workerCount
                let thread = Thread { self.work(as: index) }
                thread.name = "SemHiTok compute \(index)"
                thread.start()
            }
            job = body
            jobParts = parts
            remaining = parts - 1
            generation += 1
            condition.broadcast()
            condition.unlock()

            body(0, callerScratch)

            condition.lock()
            while remaining > 0 { condition.wait() }
            job = nil
            condition.unlock()
        }
    }

    /// The loop of worker `index` (from 1): wait for a computation, run part `index` if it
    /// has one, report it done.
    private func work(as index: Int) {
        let scratch = ScratchMemory()
        var seen = 0
        condition.lock()
        while true {
            while generation == seen { condition.wait() }
            seen = generation
            guard let job, index < jobParts else { continue }
            condition.unlock()
            job(index, scratch)
            condition.lock()
            remaining -= 1
            if remaining == 0 { condition.broadcast() }
        }
    }
}

/// Memory one participant of a `ThreadPool` computation may use freely: a 64-byte-aligned
/// buffer that grows on demand and is kept for the participant's next computation.
final class ScratchMemory: @unchecked Sendable {
    private var buffer = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
    private var capacity = 64

    /// At least `count` floats; the contents are unspecified, and valid until the next call.
    func floats(_ count: Int) -> UnsafeMutablePointer<Float> {
        let bytes = count * MemoryLayout<Float>.stride
        if bytes > capacity {
            buffer.deallocate()
            buffer = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            capacity = bytes
        }
        return buffer.bindMemory(to: Float.self, capacity: count)
    }

    deinit { buffer.deallocate() }
}
