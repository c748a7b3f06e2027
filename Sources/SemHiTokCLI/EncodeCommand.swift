import Foundation
import SemHiTok

/// `semhitok encode INPUT... -o OUT`: tokenizes images, folders, lists and webdataset
/// shards into a token file, one record per image keyed as Spec/datasets.md says; images
/// that cannot be read are skipped and logged (Spec/tokens.md, Spec/datasets.md).
enum EncodeCommand {
    /// The options only `encode` takes.
    enum Options {
        static let output = Option.required("-o", .text("OUT"),
                                            help: "the token file to write, replaced atomically unless --append")
        static let size = Option.optional("--size", .integer(in: 1...ImageLimits.standard.maximumSquareSide),
                                          help: "encode at N x N instead of the model's native size: a grid of "
                                              + "floor(N / patch size) squared, the position embeddings interpolated to it; "
                                              + "from the patch size to the largest the model computes within its memory budget")
        static let append = Flag("--append", help: "add the records to the existing OUT, which must come from the same model")
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
    }

    /// Image files and shard members larger than this are failures, not read.
    static let maximumFileSize = 256 << 20

    static let spec = CommandSpec(
        name: "encode",
        summary: "Tokenize images, folders, lists and webdataset shards into a token file (.sht), one record per image.",
        details: """
            Each INPUT is an image (PNG, JPEG, PPM or PGM), a folder (its images at any depth,
            in the order of their paths' bytes), a list of image paths (.txt, .lst or .list;
            - for standard input) or a webdataset shard (.tar). Each image becomes one record
            of OUT: its key (the path as given, the path relative to the folder, the list's
            line or the sample's key), the grid, and the token ids i * m + j in row-major
            order. An image that cannot be read is skipped and logged, with its key and the
            reason, in OUT.failures.jsonl (one JSON object per line); the exit status is then 1.
            --shard I/N takes every N-th record from the I-th (counting from 0 over all the
            inputs, in their fixed order), so that N processes with I = 0 ... N-1 split a
            dataset; under a Slurm job array or a Kubernetes Indexed Job the shard comes from
            the environment.
            """,
        positionals: PositionalArguments("INPUT", count: 1...Int.max),
        options: [Options.output, SharedOptions.model, Options.size, SharedOptions.batch, Options.append, Options.strict,
                  Options.shard, Options.shardCount],
        run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let output = arguments[Options.output]
        let size = arguments[Options.size]
        let strict = arguments[Options.strict]
        let model = try arguments.model()
        if let size, !model.resolutions.contains(size) {
            throw UsageError(message: "--size must be from \(model.resolutions.lowerBound) to \(model.resolutions.upperBound) "
                + "for this model, got \(size)")
        }
        // Settled before the output is opened, so that a bad job-array variable leaves it untouched.
        let shard = try arguments[Options.shard]
            ?? DatasetShard.fromEnvironment(ProcessInfo.processInfo.environment, count: arguments[Options.shardCount])
            ?? .whole
        let header = try model.tokenFileHeader(resolution: size)
        let appending = arguments[Options.append]
        let writer = appending
            ? try TokenFileWriter.append(to: output, header: header)
            : try TokenFileWriter.create(at: output, header: header)
        let reader = DatasetReader(inputs: arguments.positionals.map(DatasetInput.init(argument:)),
                                   maximumFileSize: maximumFileSize) { ordinal, _ in shard.contains(ordinal: ordinal) }
        let failures = FailureLog(path: output + FailureLog.suffix)
        let batchSize = arguments[SharedOptions.batch]
        var addedKeys: [String] = []
        do {
            try Interruption.catching {
                var batch: [(key: String, image: RGBImage)] = []
                func flush() throws {
                    guard !batch.isEmpty else { return }
                    try Interruption.check()
                    let encodings = try model.encode(batch.map(\.image), resolution: size)
                    try Interruption.check()
                    for ((key, _), encoding) in zip(batch, encodings) {
                        try writer.write(TokenRecord(key: key, gridHeight: encoding.gridHeight, gridWidth: encoding.gridWidth,
                                                     tokens: encoding.tokens))
                        addedKeys.append(key)
                    }
                    batch.removeAll(keepingCapacity: true)
                }
                while let entry = reader.next() {
                    try Interruption.check()
                    switch entry.content.flatMap({ bytes in decodeImage(bytes, key: entry.key) }) {
                    case .success(let image):
                        batch.append((entry.key, image))
                        if batch.count == batchSize { try flush() }
                    case .failure(let failure):
                        if strict { throw failure }
                        failures.add(failure, ordinal: entry.ordinal)
                    }
                }
                try flush()
                try writer.finish()
                try failures.write(replacing: !appending)
            }
        } catch {
            // A new file is dropped unfinished (its temporary removed); an appended one keeps
            // what it held and what was added, indexed.
            guard appending, !writer.isFinished else { throw error }
            try writer.finish()
            throw AppendFailure(path: output, cause: error, earlierRecordCount: writer.earlierRecordCount, addedKeys: addedKeys)
        }
        let images = addedKeys.count == 1 ? "1 image" : "\(addedKeys.count) images"
        let records = writer.recordCount == 1 ? "1 record" : "\(writer.recordCount) records"
        let part = shard.count > 1 ? " (shard \(shard))" : ""
        console.printOutput("\(output): \(images) encoded\(part), \(records) in the file")
        guard failures.isEmpty else { throw FailureSummary(count: failures.count, log: failures.path) }
        return 0
    }

    /// The image in `bytes`, or the failure naming `key`.
    static func decodeImage(_ bytes: [UInt8], key: String) -> Result<RGBImage, DatasetFailure> {
        do {
            return .success(try bytes.withUnsafeBytes { try ImageFile.decode($0) })
        } catch {
            return .failure(DatasetFailure(key: key, reason: "\(error)"))
        }
    }
}
