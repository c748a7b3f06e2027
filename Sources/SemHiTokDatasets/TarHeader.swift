/// One 512-byte tar header block, checked (Spec/datasets.md section 3.1): the checksum,
/// every numeric field, the member's name (ustar prefix joined) and size.
struct TarHeader {
    static let blockSize = 512
    /// Sizes above this are refused as corrupt: 1 TiB, far beyond any image, and safe from
    /// overflow in every offset computed from it.
    static let maximumSize = 1 << 40

    /// The name field, joined to the ustar prefix when there is one (raw bytes).
    let name: [UInt8]
    let size: Int
    let typeflag: UInt8

    init(_ block: [UInt8], offset: Int, archive: String) throws {
        func fail(_ problem: TarError.Problem) -> TarError { TarError(archive: archive, offset: offset, problem: problem) }
        let stored = try TarNumber.parse(block[148..<156], field: "chksum", archive: archive, offset: offset)
        var unsigned = 0
        var signed = 0
        for (index, byte) in block.enumerated() {
            let counted = (148..<156).contains(index) ? UInt8(ascii: " ") : byte
            unsigned += Int(counted)
            signed += Int(Int8(bitPattern: counted))
        }
        guard stored == unsigned || stored == signed else { throw fail(.badChecksum(stored: stored, computed: unsigned)) }
        for (field, range) in [("mode", 100..<108), ("uid", 108..<116), ("gid", 116..<124), ("mtime", 136..<148)] {
            _ = try TarNumber.parse(block[range], field: field, archive: archive, offset: offset)
        }
        size = try TarNumber.parse(block[124..<136], field: "size", archive: archive, offset: offset)
        guard size <= Self.maximumSize else { throw fail(.badNumber(field: "size")) }
        typeflag = block[156]
        let baseName = Array(block[0..<100].prefix { $0 != 0 })
        // POSIX ustar ("ustar\0") has a prefix field; GNU ("ustar  \0") uses those bytes for other things.
        let isPosix = block[257..<263].elementsEqual(Array("ustar".utf8) + [0])
        let prefix = isPosix ? Array(block[345..<500].prefix { $0 != 0 }) : []
        name = prefix.isEmpty ? baseName : prefix + [UInt8(ascii: "/")] + baseName
    }

    /// Zero bytes after `size` bytes of data, up to the next block boundary.
    static func padding(after size: Int) -> Int {
        (blockSize - size % blockSize) % blockSize
    }
}

/// The numeric fields of a tar header: octal text, or GNU's base-256 for large values.
enum TarNumber {
    static func parse(_ field: ArraySlice<UInt8>, field name: String, archive: String, offset: Int) throws -> Int {
        let bad = TarError(archive: archive, offset: offset, problem: .badNumber(field: name))
        guard let first = field.first else { throw bad }
        if first & 0x80 != 0 {
            // Base-256: 0x80 then a big-endian magnitude; 0xFF (negative) is refused.
            guard first == 0x80 else { throw bad }
            var value = 0
            for byte in field.dropFirst() {
                guard value <= (Int.max >> 8) else { throw bad }
                value = value << 8 | Int(byte)
            }
            return value
        }
        let text = field.prefix { $0 != 0 }
        // Everything after the first NUL must be NUL or space.
        guard field.dropFirst(text.count).allSatisfy({ $0 == 0 || $0 == UInt8(ascii: " ") }) else { throw bad }
        let digits = text.drop { $0 == UInt8(ascii: " ") }.reversed().drop { $0 == UInt8(ascii: " ") }.reversed()
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(digit), value <= (Int.max >> 3) else { throw bad }
            value = value << 3 | Int(digit - UInt8(ascii: "0"))
        }
        return value
    }
}
