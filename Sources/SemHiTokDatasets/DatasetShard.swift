import Foundation

/// Which records of a dataset one process takes (Spec/datasets.md section 6): those whose
/// ordinal is `index` modulo `count`.
public struct DatasetShard: Equatable, Sendable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// Nil unless `count >= 1` and `0 <= index < count`.
    public init?(index: Int, count: Int) {
        guard count >= 1, (0..<count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// The whole dataset.
    public static let whole = DatasetShard(index: 0, count: 1)!

    /// `"I/N"`, as `--shard` takes it.
    public init?(text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else { return nil }
        self.init(index: index, count: count)
    }

    public func contains(ordinal: Int) -> Bool { ordinal % count == index }

    /// How many of the ordinals `0 ..< total` the shard contains.
    public func recordCount(ofDatasetOf total: Int) -> Int {
        total > index ? (total - index + count - 1) / count : 0
    }

    public var description: String { "\(index)/\(count)" }

    /// The shard a scheduler's job array gives this process, or nil when none does:
    /// Slurm's `SLURM_ARRAY_TASK_ID` less `SLURM_ARRAY_TASK_MIN` (0 when unset) of
    /// `SLURM_ARRAY_TASK_COUNT`; else a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX` of
    /// `count` (its completions, which the Job does not put in the environment).
    public static func fromEnvironment(_ environment: [String: String], count: Int?) throws -> DatasetShard? {
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw DatasetFailure(key: name, reason: "'\(text)' is not an integer")
            }
            return value
        }
        if let task = try number("SLURM_ARRAY_TASK_ID") {
            guard let tasks = try number("SLURM_ARRAY_TASK_COUNT") else {
                throw DatasetFailure(key: "SLURM_ARRAY_TASK_ID", reason: "is set but SLURM_ARRAY_TASK_COUNT is not")
            }
            let first = try number("SLURM_ARRAY_TASK_MIN") ?? 0
            guard let shard = DatasetShard(index: task - first, count: tasks) else {
                throw DatasetFailure(key: "SLURM_ARRAY_TASK_ID",
                                     reason: "task \(task) (first \(first)) is not one of \(tasks) tasks")
            }
            return shard
        }
        if let index = try number("JOB_COMPLETION_INDEX") {
            guard let count else {
                throw DatasetFailure(key: "JOB_COMPLETION_INDEX", reason: "is set: give the Job's completions as --shard-count")
            }
            guard let shard = DatasetShard(index: index, count: count) else {
                throw DatasetFailure(key: "JOB_COMPLETION_INDEX", reason: "\(index) is not below --shard-count \(count)")
            }
            return shard
        }
        return nil
    }
}
