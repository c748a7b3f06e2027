import SemHiTokSupport

/// Reads a tar archive member by member, streaming (Spec/datasets.md section 3): ustar,
/// GNU and pax headers, each checked before it is trusted. A member's data is read only
/// when asked for; otherwise the reader skips over it.
public final class TarReader {
    /// The archive as errors name it.
    public let path: String
    private let file: FileDescriptor
    private let limits: TarLimits
    /// The archive's size when it is a regular file, which lets skipped data be seeked over.
    private let fileSize: Int?
    /// The offset of the next unread byte of the archive.
    private var position = 0
    /// The member `next()` returned last, if its data is not yet read or skipped: where its
    /// header starts (what errors name) and its data's size.
    private var pending: (headerOffset: Int, size: Int)?
    private var ended = false

    /// Opens `path` for reading.
    public init(path: String, limits: TarLimits = .standard) throws {
        self.path = path
        self.limits = limits
        file = try FileDescriptor.forReading(path)
        fileSize = try file.regularFileSize()
    }

    /// The next member, or nil at the end of the archive. Skips the data of the previous
    /// member if it was not read.
    public func next() throws -> TarMember? {
        guard !ended else { return nil }
        try skipPending()
        var extended = ExtendedAttributes()
        let memberStart = position
        while true {
            let headerOffset = position
            guard let block = try readHeaderBlock() else {
                ended = true
                return nil
            }
            let header = try TarHeader(block, offset: headerOffset, archive: path)
            let size = extended.size ?? header.size
            switch header.typeflag {
            case UInt8(ascii: "x"):
                extended.merge(try PaxRecords.parse(try readExtension(size: header.size, offset: headerOffset),
                                                    offset: headerOffset, archive: path))
                continue
            case UInt8(ascii: "g"):
                _ = try PaxRecords.parse(try readExtension(size: header.size, offset: headerOffset),
                                         offset: headerOffset, archive: path)
                continue
            case UInt8(ascii: "L"):
                extended.path = Array(try readExtension(size: header.size, offset: headerOffset).prefix { $0 != 0 })
                continue
            case UInt8(ascii: "K"):
                _ = try readExtension(size: header.size, offset: headerOffset)
                continue
            default:
                break
            }
            let kind = TarMember.Kind(typeflag: header.typeflag)
            let rawName = extended.path ?? header.name
            // Only a file's name becomes a key; a directory such as "./" needs none.
            let name = kind == .file ? try TarPath.normalized(rawName, offset: headerOffset, archive: path)
                                     : TarPath.lenient(rawName)
            pending = (memberStart, size)
            return TarMember(path: name, size: size, kind: kind, headerOffset: memberStart)
        }
    }

    /// The data of the member `next()` returned last. Throws if the archive ends before it
    /// does, or if it is larger than `maximumSize`.
    public func readData(maximumSize: Int) throws -> [UInt8] {
        guard let (offset, size) = pending else {
            preconditionFailure("readData() needs a member from next() whose data was not read")
        }
        guard size <= maximumSize else {
            throw TarError(archive: path, offset: offset, problem: .memberTooLarge(size: size, limit: maximumSize))
        }
        pending = nil
        let data = try readExactly(size, what: "member data", offset: offset)
        try skipBytes(TarHeader.padding(after: size), what: "member padding", offset: offset)
        return data
    }

    // MARK: - reading

    private func skipPending() throws {
        guard let (offset, size) = pending else { return }
        pending = nil
        try skipBytes(size + TarHeader.padding(after: size), what: "member data", offset: offset)
    }

    /// One 512-byte block, nil at the end: end of file at a block boundary, or a block of
    /// zeros (what follows a zero block is not read).
    private func readHeaderBlock() throws -> [UInt8]? {
        var block = [UInt8](repeating: 0, count: TarHeader.blockSize)
        let got = try block.withUnsafeMutableBytes { try file.read(into: $0) }
        if got == 0 { return nil }
        guard got == TarHeader.blockSize else {
            throw TarError(archive: path, offset: position, problem: .truncated(what: "header block"))
        }
        position += got
        return block.allSatisfy { $0 == 0 } ? nil : block
    }

    /// The data of a pax or GNU extension member, within the limit on extension sizes.
    private func readExtension(size: Int, offset: Int) throws -> [UInt8] {
        guard size <= limits.maximumExtensionSize else {
            throw TarError(archive: path, offset: offset, problem: .extensionTooLarge(size: size, limit: limits.maximumExtensionSize))
        }
        let data = try readExactly(size, what: "extended header", offset: offset)
        try skipBytes(TarHeader.padding(after: size), what: "extended header padding", offset: offset)
        return data
    }

    private func readExactly(_ count: Int, what: String, offset: Int) throws -> [UInt8] {
        var data = [UInt8](repeating: 0, count: count)
        let got = try data.withUnsafeMutableBytes { try file.read(into: $0) }
        position += got
        guard got == count else { throw TarError(archive: path, offset: offset, problem: .truncated(what: what)) }
        return data
    }

    /// Skips `count` bytes: seeks over them in a regular file (whose size tells whether they
    /// are there), reads them from anything else.
    private func skipBytes(_ count: Int, what: String, offset: Int) throws {
        if let fileSize {
            guard count <= fileSize - position else {
                throw TarError(archive: path, offset: offset, problem: .truncated(what: what))
            }
            position += count
            try file.seek(to: position)
            return
        }
        var left = count
        var scratch = [UInt8](repeating: 0, count: min(count, 1 << 16))
        while left > 0 {
            let chunk = min(left, scratch.count)
            let got = try scratch.withUnsafeMutableBytes { try file.read(into: UnsafeMutableRawBufferPointer(rebasing: $0[..<chunk])) }
            position += got
            guard got == chunk else { throw TarError(archive: path, offset: offset, problem: .truncated(what: what)) }
            left -= chunk
        }
    }
}

/// The pax and GNU attributes that apply to the next member.
private struct ExtendedAttributes {
    var path: [UInt8]?
    var size: Int?

    mutating func merge(_ records: PaxRecords) {
        if let recordPath = records.path { path = recordPath }
        if let recordSize = records.size { size = recordSize }
    }
}
