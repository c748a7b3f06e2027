import Foundation
import SemHiTok

/// `semhitok encode INPUT... -o OUT`: tokenizes images, folders, lists and webdataset
/// shards into a token file, one record per image keyed as Spec/datasets.md says; images
/// that cannot be read are skipped and logged (Spec/tokens.md, Spec/datasets.md).
enum EncodeCommand {
    /// The options only `encode` takes.
    enum Options {
        static let output = Option.required("-o", .text("OUT"),
                                            help: "the token file to write; a run that stopped before the end continues "
                                                + "where it left off when run again")
        static let size = Option.optional("--size", .integer(in: 1...ImageLimits.standard.maximumSquareSide),
                                          help: "encode at N x N instead of the model's native size: a grid of "
                                              + "floor(N / patch size) squared, the position embeddings interpolated to it; "
                                              + "from the patch size to the largest the model computes within its memory budget")
        static let overwrite = Flag("--overwrite", help: "start again: ignore what an earlier run left and replace OUT when this run finishes")
        static let strict = Flag("--strict", help: "stop at the first image that cannot be read, instead of logging it and going on")
        static let shard = Option.optional("--shard", OptionValue(name: "I/N", allowed: nil) { text, option in
            guard let shard = DatasetShard(text: text) else {
                throw UsageError(message: "\(option) must be I/N with 0 <= I < N, got '\(text)'")
            }
            return shard
        }, help: "encode only the records whose ordinal is I modulo N",
           defaultDescription: "from SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT, or JOB_COMPLETION_INDEX and --shard-count, when set; else every record")
        static let shardCount = Option.optional("--shard-count", .integer(in: 1...1_000_000),
                                                help: "the number of shards of a Kubernetes Indexed Job (its completions), for JOB_COMPLETION_INDEX")
        static let quiet = Flag("--quiet", help: "show no progress on standard error")
        static let verbose = Flag("--verbose", help: "also name each image skipped as it is skipped, and the time each stage took")
    }

    /// Image files and shard members larger than this are failures, not read.
    static let maximumFileSize = 256 << 20

    static let spec = CommandSpec(
        name: "encode",
        summary: "Tokenize images, folders, lists and webdataset shards into a token file (.sht), one record per image.",
        details: """
            Each INPUT is an image (PNG, JPEG, GIF, BMP, WebP, PPM or PGM), a folder (its images at any depth,
            in the order of their paths' bytes), a list of image paths (.txt, .lst or .list;
            - for standard input) or a webdataset shard (.tar). Each image becomes one record
            of OUT: its key (the path as given, the path relative to the folder, the list's
            line or the sample's key), the grid, and the token ids i * m + j in row-major
            order. An image that cannot be read is skipped and logged, with its key and the
            reason, in OUT.failures.jsonl (one JSON object per line); the exit status is then 1.
            The run writes OUT.partial and renames it to OUT when it finishes. Run again after
            an interruption, the same command continues: records whose keys OUT.partial (or a
            finished OUT) already holds are skipped and the rest appended, giving the records
            of an uninterrupted run.
            --shard I/N takes every N-th record from the I-th (counting from 0 over all the
            inputs, in their fixed order), so that N processes with I = 0 ... N-1 split a
            dataset; under a Slurm job array or a Kubernetes Indexed Job the shard comes from
            the environment. 'semhitok cat' merges the shards' files.
            Progress goes to standard error: a line redrawn on a terminal, else a line every
            five seconds.
            """,
        positionals: PositionalArguments("INPUT", count: 1...Int.max),
        options: [Options.output, SharedOptions.model, Options.size, SharedOptions.batch, Options.overwrite, Options.strict,
                  Options.shard, Options.shardCount, Options.quiet, Options.verbose],
        run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let output = arguments[Options.output]
        let size = arguments[Options.size]
        let (strict, verbose) = (arguments[Options.strict], arguments[Options.verbose])
        if verbose && arguments[Options.quiet] { throw UsageError(message: "--quiet and --verbose exclude each other") }
        let model = try arguments.model()
        if let size, !model.resolutions.contains(size) {
            throw UsageError(message: "--size must be from \(model.resolutions.lowerBound) to \(model.resolutions.upperBound) "
                + "for this model, got \(size)")
        }
        // Settled before the output is opened, so that a bad job-array variable leaves it untouched.
        let shard = try arguments[Options.shard]
            ?? DatasetShard.fromEnvironment(ProcessInfo.processInfo.environment, count: arguments[Options.shardCount])
            ?? .whole
        let writer = try openOutput(output, header: model.tokenFileHeader(resolution: size), arguments)
        let recorded = writer.resumption?.keys ?? []
        let progress = ProgressReport(style: arguments[Options.quiet] ? .quiet : console.printStatus == nil ? .lines : .redrawn,
                                      console: console, alreadyDone: recorded.count)
        if let resumption = writer.resumption, !arguments[Options.quiet] {
            console.printError("continuing \(resumption.path): \(counted(resumption.keys.count, "record")) already there")
            if let tail = resumption.discardedTail { console.printError("cut off what an interrupted run left: \(tail)") }
        }
        let inputs = arguments.positionals.map(DatasetInput.init(argument:))
        if !arguments[Options.quiet] {
            Thread {
                guard let count = DatasetReader.recordCount(of: inputs) else { return }
                progress.setTotal(shard.recordCount(ofDatasetOf: count))
            }.start()
        }
        var alreadyThere = KeyCounts(recorded)
        let reader = DatasetReader(inputs: inputs, maximumFileSize: maximumFileSize) { ordinal, key in
            shard.contains(ordinal: ordinal) && !alreadyThere.remove(key)
        }
        let times = StageTimes()
        let batchSize = arguments[SharedOptions.batch]
        let preparation = RecordPreparation(reader: reader, model: model, resolution: size, capacity: 2 * batchSize, times: times)
        let failures = FailureLog(path: output + FailureLog.suffix)
        var added: [String] = []
        var addedCount = 0
        do {
            try Interruption.catching {
                var batch: [(key: String, image: PreparedImage)] = []
                func flush() throws {
                    guard !batch.isEmpty else { return }
                    try Interruption.check()
                    let encodings = try times.measure(.model) { try model.encode(prepared: batch.map(\.image)) }
                    try Interruption.check()
                    try times.measure(.write) {
                        for ((key, _), encoding) in zip(batch, encodings) {
                            try writer.write(TokenRecord(key: key, gridHeight: encoding.gridHeight, gridWidth: encoding.gridWidth,
                                                         tokens: encoding.tokens))
                            if added.count < StoppedEncoding.keysShown { added.append(key) }
                            addedCount += 1
                        }
                    }
                    progress.add(processed: batch.count, failed: 0)
                    batch.removeAll(keepingCapacity: true)
                }
                while let record = preparation.next() {
                    try Interruption.check()
                    switch record.image {
                    case .success(let image):
                        batch.append((record.key, image))
                        if batch.count == batchSize { try flush() }
                    case .failure(let failure):
                        if strict {
                            try flush()
                            throw failure
                        }
                        try failures.add(failure, ordinal: record.ordinal)
                        if verbose { progress.interject("skipped \(failure)") }
                        progress.add(processed: 1, failed: 1)
                    }
                }
                try flush()
                try writer.finish()
                try failures.commit()
            }
        } catch {
            // The file keeps every record written, indexed, for the next run to continue.
            try writer.suspend()
            try failures.commit()
            progress.finish()
            throw StoppedEncoding(path: writer.workingPath, cause: error, earlierRecordCount: writer.earlierRecordCount,
                                  addedCount: addedCount, firstAddedKeys: added)
        }
        progress.finish()
        if verbose { console.printError("stages (decoding and preprocessing beside the model): \(times.summary)") }
        let part = shard.count > 1 ? " (shard \(shard))" : ""
        console.printOutput("\(output): \(counted(addedCount, "image")) encoded\(part), \(counted(writer.recordCount, "record")) in the file")
        guard failures.count == 0 else { throw FailureSummary(count: failures.count, log: failures.path) }
        return 0
    }

    /// The writer of `output`: continuing what an earlier run left unless `--overwrite`. A
    /// file there that is not this model's token file, or is damaged, is left alone.
    private static func openOutput(_ output: String, header: TokenFileHeader, _ arguments: ParsedArguments) throws -> TokenFileWriter {
        do {
            return try TokenFileWriter.resume(at: output, header: header, restarting: arguments[Options.overwrite])
        } catch let error as TokenFileError where error.kind != .inUse {
            throw ForeignOutput(cause: error)
        }
    }
}
