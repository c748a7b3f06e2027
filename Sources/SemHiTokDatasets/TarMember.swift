/// A member of a tar archive, as `TarReader.next()` gives it.
public struct TarMember: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// A regular file (typeflag `0`, NUL or `7`).
        case file
        /// A directory (typeflag `5`).
        case directory
        /// Anything else (links, devices, FIFOs, vendor types): its typeflag byte.
        case other(UInt8)

        init(typeflag: UInt8) {
            switch typeflag {
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"): self = .file
            case UInt8(ascii: "5"): self = .directory
            default: self = .other(typeflag)
            }
        }
    }

    /// The member's path: the pax or GNU long name if there is one, else the header's (with
    /// the ustar prefix), with leading `./` and trailing `/` removed.
    public let path: String
    /// The size of its data in bytes.
    public let size: Int
    public let kind: Kind
    /// Where its header starts in the archive (the first of its extension headers, if any).
    public let headerOffset: Int
}
