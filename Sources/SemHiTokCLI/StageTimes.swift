import Foundation

/// The seconds an `encode` run spent in each stage, summed over images; the stages before
/// the model run on the preparation thread, beside it.
final class StageTimes: @unchecked Sendable {
    enum Stage: String, CaseIterable {
        case read, decode, preprocess, model, write
    }

    private let lock = NSLock()
    private var seconds: [Stage: Double] = [:]

    /// `body`'s result, its wall time added to `stage`.
    func measure<T>(_ stage: Stage, _ body: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            lock.withLock { seconds[stage, default: 0] += elapsed }
        }
        return try body()
    }

    /// "read 0.12 s, decode 3.40 s, ...", every stage in order.
    var summary: String {
        let totals = lock.withLock { seconds }
        return Stage.allCases.map { "\($0.rawValue) \(String(format: "%.2f", totals[$0, default: 0])) s" }
            .joined(separator: ", ")
    }
}
