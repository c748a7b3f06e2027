import Foundation

/// How many threads the compute kernels (`Gemm`) use for one product.
///
/// The default is the environment variable `SEMHITOK_THREADS` when it holds a positive
/// integer, otherwise the CPUs this process may use (its affinity mask, capped by its cgroup
/// CPU quota). Setting `count` changes it for the rest of the process. The thread count
/// never changes a result: work is split by rows and outputs, never along a sum
/// (Spec/architecture.md section 2).
public enum ComputeThreads {
    /// The thread count, at least 1.
    public static var count: Int {
        get { setting.withLock { $0 } }
        set { setting.withLock { $0 = max(1, newValue) } }
    }

    /// The CPUs this process may use: its affinity mask, capped by its cgroup CPU quota.
    public static var available: Int { AvailableProcessors.count }

    private static let setting = LockedInt(initial: {
        if let text = ProcessInfo.processInfo.environment["SEMHITOK_THREADS"], let value = Int(text), value > 0 {
            return value
        }
        return AvailableProcessors.count
    }())
}

/// An integer behind a lock.
private final class LockedInt: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int

    init(initial: Int) { value = initial }

    func withLock<Result>(_ body: (inout Int) -> Result) -> Result {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
