import SemHiTokFormats

/// The kinds of model a weight container holds (`model.architecture`).
public enum ModelArchitecture: String, Sendable, CaseIterable {
    /// A whole SemHiTok model (Spec/architecture.md).
    case semhitok
    /// A SigLIP vision tower alone (Spec/convert.md section 5).
    case siglip

    /// What the architecture is called in messages.
    public var title: String {
        switch self {
        case .semhitok: "SemHiTok model"
        case .siglip: "SigLIP-only container"
        }
    }

    /// The architecture of the weight container (or draft) `file`.
    public init(_ file: some ConfigurationEntries) throws {
        let name = try file.string("model.architecture")
        guard let architecture = ModelArchitecture(rawValue: name) else {
            throw file.error(.invalidValue(key: "model.architecture", detail: "'\(name)' is neither semhitok nor siglip"))
        }
        self = architecture
    }
}
