/// `semhitok cat FILE... -o OUT`: merges token files of one model, such as the parts of an
/// `encode --shard` run, into one token file holding their records in the order given
/// (Spec/datasets.md section 8).
enum CatCommand {
    /// The options only `cat` takes.
    enum Options {
        static let output = Option.required("-o", .text("OUT"),
                                            help: "the token file to write, replaced atomically; it may not be one of the inputs")
        static let duplicates = Option.optional("--duplicates", .choice,
                                                help: "a record whose key an earlier record has: error refuses the merge, "
                                                    + "first leaves it out, all keeps it",
                                                default: TokenFileMerge.Duplicates.error)
    }

    static let spec = CommandSpec(
        name: "cat",
        summary: "Merge token files of one model (the parts of a sharded encode) into one.",
        details: """
            Writes the records of every FILE, in the order given and each file's in its own
            order, to OUT, copied byte for byte and indexed. Every FILE must have the header
            of the first (model fingerprint, K, m and grid) and be whole: a torn tail or a
            corrupt record (an interrupted or damaged run) is refused. Two records with one
            key are refused unless --duplicates says otherwise. Every check is made before
            OUT is created, so a refused merge writes nothing. Records come out in the order
            of the files: the parts of encode --shard I/N are interleaved in the dataset, so
            their merge holds the dataset's records grouped by shard.
            """,
        positionals: PositionalArguments("FILE", count: 1...Int.max),
        options: [Options.output, Options.duplicates], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let output = arguments[Options.output]
        let duplicates = arguments[Options.duplicates]
        let merge = try TokenFileMerge(inputs: arguments.positionals, output: output, duplicates: duplicates)
        let written = try merge.write(to: output)
        let leftOut = duplicates == .first ? ", \(counted(merge.leftOutCount, "duplicate")) skipped" : ""
        console.printOutput("\(output): \(counted(written, "record")) from \(counted(merge.inputs.count, "file"))\(leftOut)")
        return 0
    }
}
