/// Row-independent work (element-wise functions, layer norms, the queries of a code search)
/// shared out over the compute threads in contiguous blocks of rows. Every row is computed
/// by the same code whichever thread takes it, so results do not depend on the thread count.
package enum RowParallel {
    /// Work (roughly, elements touched) below which a computation stays on the calling
    /// thread: waking the workers costs about as much as this many elements' work.
    static let threadedWork = 1 << 16

    /// Calls `body(rows)` for contiguous ranges that together cover `0 ..< rows`, on up to
    /// `ComputeThreads.count` threads when `rows * workPerRow` is worth it.
    package static func forEachBlock(rows: Int, workPerRow: Int, _ body: @Sendable (_ rows: Range<Int>) -> Void) {
        let parts = rows * workPerRow < threadedWork ? 1 : min(ComputeThreads.count, rows)
        ThreadPool.shared.run(parts: parts) { part, _ in
            body((rows * part / parts)..<(rows * (part + 1) / parts))
        }
    }
}

/// A float buffer shared by the threads of one `ThreadPool` computation.
///
/// `@unchecked Sendable`: every part writes only its own rows (or only reads), so no element
/// is written by two parts or read while another writes it, and the caller keeps the
/// buffer alive until every part has returned.
struct SharedFloats: @unchecked Sendable {
    let base: UnsafeMutablePointer<Float>

    init(_ buffer: UnsafeMutableBufferPointer<Float>) { base = buffer.baseAddress! }

    init(_ buffer: UnsafeBufferPointer<Float>) { base = UnsafeMutablePointer(mutating: buffer.baseAddress!) }

    private init(base: UnsafeMutablePointer<Float>) { self.base = base }

    /// The buffer from `count` floats further on.
    func advanced(by count: Int) -> SharedFloats { SharedFloats(base: base + count) }
}
