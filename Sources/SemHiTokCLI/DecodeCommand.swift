import Foundation
import SemHiTok

/// `semhitok decode TOKENS -o DIR`: reconstructs every record of a token file as a PNG in
/// DIR, after checking that the file was made by the same model (Spec/tokens.md section 3).
enum DecodeCommand {
    /// The options only `decode` takes.
    enum Options {
        static let output = Option.required("-o", .text("DIR"), help: "the folder for the images, created if needed")
    }

    static let spec = CommandSpec(
        name: "decode",
        summary: "Reconstruct every record of a token file as a PNG image.",
        details: """
            Writes one PNG per record of TOKENS into DIR, named after the record's key: its
            file name without folder and extension, unsafe characters replaced by '_', plus
            '.png'; an empty or repeated name becomes record-N.png. The token file must come
            from the same model (same fingerprint, K and m). Records of one grid size are
            decoded together, --batch at a time.
            """,
        positionals: PositionalArguments("TOKENS"),
        options: [Options.output, SharedOptions.model, SharedOptions.batch], run: run)

    static func run(_ arguments: ParsedArguments, _ console: Console) throws -> Int32 {
        let directory = arguments[Options.output]
        let model = try arguments.model()
        let tokens = try TokenFile(contentsOf: arguments.positionals[0])
        try model.checkTokens(tokens.header, path: tokens.path)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw FileSystemError(path: directory, message: "cannot create the folder")
        }
        var used = Set<String>()
        for indices in arguments.batches(of: Array(0..<tokens.recordCount)) {
            let records = try indices.map { try tokens.record(at: $0) }
            for (index, (record, image)) in zip(indices, zip(records, try model.decode(records))) {
                var name = outputName(forKey: record.key)
                if name.isEmpty || used.contains(name) { name = "record-\(index)" }
                used.insert(name)
                try ImageFile.write(try Postprocessor.image(from: image), to: directory + "/" + name + ".png")
            }
        }
        console.printOutput("\(directory): \(counted(tokens.recordCount, "image")) decoded")
        if let tail = tokens.tornTail {
            throw TokenFileError(path: tokens.path, kind: .tornTail(tail))
        }
        return 0
    }

    /// The file name of `key` without folders and extension, with every character other than
    /// ASCII letters, digits, '-', '_' and '.' replaced by '_'.
    static func outputName(forKey key: String) -> String {
        let base = key.split(separator: "/").last.map(String.init) ?? ""
        let stem = base.contains(".") && !base.hasPrefix(".") ? String(base[..<base.lastIndex(of: ".")!]) : base
        return String(stem.map { character in
            character.isASCII && (character.isLetter || character.isNumber || "-_.".contains(character)) ? character : "_"
        })
    }
}
