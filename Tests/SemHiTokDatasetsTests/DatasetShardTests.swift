@testable import SemHiTokDatasets
import Testing

/// `--shard I/N` and the job-array environments (Spec/datasets.md section 6).
struct DatasetShardTests {
    @Test func textIsIndexSlashCount() {
        #expect(DatasetShard(text: "2/5") == DatasetShard(index: 2, count: 5))
        for bad in ["5/5", "-1/3", "1/0", "1", "1/2/3", "a/2", " 1/2", ""] {
            #expect(DatasetShard(text: bad) == nil, "\(bad)")
        }
    }

    @Test func aShardTakesTheOrdinalsOfItsResidue() {
        let shard = DatasetShard(index: 1, count: 3)!
        #expect((0..<10).filter(shard.contains) == [1, 4, 7])
        #expect((0..<4).allSatisfy(DatasetShard.whole.contains))
    }

    /// Slurm numbers tasks from SLURM_ARRAY_TASK_MIN (`--array=1-8` starts at 1).
    @Test func slurmArraysGiveTheTaskLessTheFirst() throws {
        #expect(try DatasetShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4"], count: nil)
            == DatasetShard(index: 3, count: 4))
        #expect(try DatasetShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_COUNT": "8",
                                                  "SLURM_ARRAY_TASK_MIN": "1"], count: 99) == DatasetShard(index: 7, count: 8))
        #expect(throws: DatasetFailure.self) {
            try DatasetShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "3"], count: nil)
        }
        #expect(throws: DatasetFailure.self) {
            try DatasetShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4"], count: nil)
        }
        #expect(throws: DatasetFailure.self) {
            try DatasetShard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "4"], count: nil)
        }
    }

    /// An Indexed Job puts only the index in the environment; the count comes from the command.
    @Test func indexedJobsNeedTheCount() throws {
        #expect(try DatasetShard.fromEnvironment(["JOB_COMPLETION_INDEX": "2"], count: 5) == DatasetShard(index: 2, count: 5))
        #expect(throws: DatasetFailure(key: "JOB_COMPLETION_INDEX", reason: "is set: give the Job's completions as --shard-count")) {
            try DatasetShard.fromEnvironment(["JOB_COMPLETION_INDEX": "2"], count: nil)
        }
        #expect(throws: DatasetFailure.self) { try DatasetShard.fromEnvironment(["JOB_COMPLETION_INDEX": "5"], count: 5) }
        #expect(try DatasetShard.fromEnvironment([:], count: 5) == nil)
    }
}
