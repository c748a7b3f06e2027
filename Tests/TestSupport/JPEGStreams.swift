/// Building and editing JPEG files at the marker level (ITU-T T.81 annex B) for tests:
/// segments, a split of a file into its header segments and the rest, and a minimal
/// hand-assembled baseline file whose every field a test may set.
public enum JPEGStreams {
    /// A marker segment: `FF`, the marker code, the big-endian length (payload + 2), the payload.
    public static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
        let length = payload.count + 2
        return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
    }

    /// The segments of `file` after SOI up to and including the first SOS, each as its
    /// marker code and whole bytes, and the bytes after that SOS segment. The file must be
    /// well formed up to there.
    public static func split(_ file: [UInt8]) -> (segments: [(marker: UInt8, bytes: [UInt8])], rest: [UInt8]) {
        var position = 2
        var segments: [(marker: UInt8, bytes: [UInt8])] = []
        while position + 4 <= file.count {
            let marker = file[position + 1]
            let length = Int(file[position + 2]) << 8 | Int(file[position + 3])
            segments.append((marker, Array(file[position..<(position + 2 + length)])))
            position += 2 + length
            if marker == 0xDA { break }
        }
        return (segments, Array(file[position...]))
    }

    /// SOI, the segments' bytes, then `rest`.
    public static func join(_ segments: [(marker: UInt8, bytes: [UInt8])], rest: [UInt8]) -> [UInt8] {
        [0xFF, 0xD8] + segments.flatMap(\.bytes) + rest
    }

    /// Packs `(value, bit count)` fields most significant bit first, stuffs a zero byte after
    /// every `FF`, and pads the last byte with 1 bits, as entropy-coded data is written.
    public static func entropyCoded(_ fields: [(value: Int, count: Int)]) -> [UInt8] {
        var bits: [Bool] = []
        for field in fields {
            for shift in stride(from: field.count - 1, through: 0, by: -1) { bits.append((field.value >> shift) & 1 == 1) }
        }
        while bits.count % 8 != 0 { bits.append(true) }
        var bytes: [UInt8] = []
        for start in stride(from: 0, to: bits.count, by: 8) {
            let byte = bits[start..<(start + 8)].reduce(UInt8(0)) { $0 << 1 | ($1 ? 1 : 0) }
            bytes.append(byte)
            if byte == 0xFF { bytes.append(0) }
        }
        return bytes
    }

    /// The pieces of a hand-assembled sequential JPEG, each replaceable before `bytes()`.
    public struct HandMade {
        /// Frame header fields.
        public var sofMarker: UInt8 = 0xC0
        public var precision: UInt8 = 8
        public var width = 8
        public var height = 8
        /// (identifier, h << 4 | v, quantization slot) per component.
        public var components: [(UInt8, UInt8, UInt8)] = [(1, 0x11, 0)]
        /// Whole segments written between SOI and the frame header; by default one DQT
        /// defining slot 0 with all multipliers 1.
        public var tables: [[UInt8]] = [JPEGStreams.segment(0xDB, [0] + [UInt8](repeating: 1, count: 64))]
        /// Whole segments written after the frame header; by default DC and AC tables in slot
        /// 0 with one symbol each, 0 (a zero DC difference; end of block), as the code `0`.
        public var huffman: [[UInt8]] = [
            JPEGStreams.segment(0xC4, [0x00, 1] + [UInt8](repeating: 0, count: 15) + [0x00]),
            JPEGStreams.segment(0xC4, [0x10, 1] + [UInt8](repeating: 0, count: 15) + [0x00]),
        ]
        /// The SOS payload; nil gives all components with tables 0/0, Ss 0, Se 63, Ah/Al 0.
        public var scanHeader: [UInt8]?
        /// Entropy-coded data; by default one byte of 0 bits, enough for a few all-zero blocks.
        public var data: [UInt8] = [0x00]
        /// Whether to end with EOI.
        public var endOfImage = true

        public init() {}

        /// The file.
        public func bytes() -> [UInt8] {
            var frame: [UInt8] = [precision, UInt8(height >> 8), UInt8(height & 0xFF), UInt8(width >> 8),
                                  UInt8(width & 0xFF), UInt8(components.count)]
            for component in components { frame += [component.0, component.1, component.2] }
            var defaultScan: [UInt8] = [UInt8(components.count)]
            for component in components { defaultScan += [component.0, 0x00] }
            let scan = scanHeader ?? defaultScan + [0, 63, 0]
            var file: [UInt8] = [0xFF, 0xD8] + tables.flatMap { $0 } + JPEGStreams.segment(sofMarker, frame)
            file += huffman.flatMap { $0 } + JPEGStreams.segment(0xDA, scan) + data
            if endOfImage { file += [0xFF, 0xD9] }
            return file
        }
    }
}
