import SemHiTok

/// The content of the committed fixtures in `golden/formats/`, written by
/// `tools/make_format_fixtures.py` (see golden/formats/README.md). The Swift tests rebuild
/// the same content here and compare bytes with the Python writer's files.
public enum FormatFixtures {
    /// The content of `example.shw`. Half-precision values are given as the bit patterns
    /// IEEE 754 binary16 and bfloat16 define for them.
    public static func exampleWeights() -> WeightFileBuilder {
        var builder = WeightFileBuilder()
        builder.config = [
            "example.int": .int(42), "example.negative": .int(-7), "example.real": .real(0.5),
            "example.text": .string("SemHiTok \u{2713}"), "example.ints": .ints([1, -2, 3]),
            "example.reals": .reals([0.25, -1.5]), "example.empty_ints": .ints([]),
        ]
        builder.addFloat32("a.f32", shape: [2, 3], [-1.0, -0.5, 0.0, 0.5, 1.0, 1.5])
        // 1.0, -2.0, 0.5 and 65504 (the largest finite binary16).
        builder.addHalf("b.f16", dtype: .f16, shape: [4], bits: [0x3C00, 0xC000, 0x3800, 0x7BFF])
        // 1.0, -1.0, 3.140625 and 0.0.
        builder.addHalf("c.bf16", dtype: .bf16, shape: [2, 2], bits: [0x3F80, 0xBF80, 0x4049, 0x0000])
        builder.addInt32("d.i32", shape: [3], [-1, 0, Int32.max])
        builder.addTensor("e.u8", dtype: .u8, shape: [5], bytes: [0, 1, 2, 254, 255])
        builder.addFloat32("f.scalar", shape: [], [7.0])
        builder.addFloat32("g.empty", shape: [0, 4], [])
        return builder
    }

    /// The records of `example.sht`, in order.
    public static let exampleRecords = [
        TokenRecord(key: "first.png", gridHeight: 2, gridWidth: 3, tokens: [0, 1, 196_607, 8, 9, 100_000]),
        TokenRecord(key: "", gridHeight: 1, gridWidth: 1, tokens: [42]),
        TokenRecord(key: "\u{65E5}\u{672C}.jpg", gridHeight: 3, gridWidth: 2, tokens: [7, 6, 5, 4, 3, 2]),
    ]

    /// The header of `example.sht`: the fingerprint of `example.shw`, K 24,576, m 8, 16 x 16.
    public static func exampleTokenHeader(fingerprint: [UInt8]) -> TokenFileHeader {
        TokenFileHeader(modelFingerprint: fingerprint, semanticCodebookSize: 24_576, pixelCodebookSize: 8,
                        gridHeight: 16, gridWidth: 16)
    }

    /// The sizes of the example records by Spec/tokens.md section 1.2,
    /// `20 + L + P + 4 h w`: 20 + 9 + 3 + 24, 20 + 0 + 0 + 4, 20 + 10 + 2 + 24.
    public static let exampleRecordSizes = [56, 24, 56]
}
