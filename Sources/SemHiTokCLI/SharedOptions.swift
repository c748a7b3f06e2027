import SemHiTok

/// The options that several commands take with the same meaning, declared once.
enum SharedOptions {
    /// The model the command runs.
    static let model = Option.optional("--model", .text("FILE"), help: "the weight container",
                                       defaultDescription: "the embedded demo model")

    /// How many images are computed together.
    static let batch = Option.optional("--batch", .integer(in: 1...4096),
                                       help: "images computed together: faster for small models, the same results for any N",
                                       default: 8)
}

extension ParsedArguments {
    /// `items` in consecutive groups of `--batch` items.
    func batches<T>(of items: [T]) -> [ArraySlice<T>] {
        items.chunks(of: self[SharedOptions.batch])
    }

    /// The model named by `--model`, or the embedded default model.
    func model() throws -> SemHiTokModel {
        if let path = self[SharedOptions.model] { return try SemHiTokModel(contentsOf: path) }
        return try DefaultModel.load()
    }

    /// What computes SigLIP's features for `--model`: a SigLIP-only container or a SemHiTok
    /// model (Spec/convert.md section 5), or the embedded default model.
    func siglipFeatureExtractor() throws -> any SiglipFeatureExtractor {
        guard let path = self[SharedOptions.model] else { return try DefaultModel.load() }
        let file = try WeightFile(contentsOf: path)
        switch try ModelArchitecture(file) {
        case .semhitok: return try SemHiTokModel(file)
        case .siglip: return try SiglipModel(file)
        }
    }
}
