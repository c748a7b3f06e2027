/// What the safetensors tests know independently of the reader: the element size of each
/// dtype, from the safetensors library's source, and the layout of
/// `golden/safetensors/example.safetensors` as golden/safetensors/README.md documents it
/// (written by `tools/make_safetensors_fixtures.py` with the library itself).
public enum SafetensorsFixtures {
    /// Bytes per element of every dtype with whole-byte elements: the library's
    /// `Dtype::bitsize` (safetensors/src/tensor.rs) divided by 8.
    public static let elementSizes: [String: Int] = [
        "BOOL": 1, "U8": 1, "I8": 1, "F8_E5M2": 1, "F8_E4M3": 1, "F8_E8M0": 1, "F8_E4M3FNUZ": 1, "F8_E5M2FNUZ": 1,
        "I16": 2, "U16": 2, "F16": 2, "BF16": 2, "I32": 4, "U32": 4, "F32": 4, "C64": 8, "F64": 8, "I64": 8, "U64": 8,
    ]

    /// The header length `N` of `example.safetensors`; its data buffer starts at `8 + N`.
    public static let exampleHeaderLength = 1016
    /// The size of its data buffer: the file is `8 + 1016 + 179` bytes.
    public static let exampleDataSize = 179

    /// Its tensors in the header's order, which is also the data's: name, dtype, shape and
    /// `data_offsets`.
    public static let exampleTensors: [(name: String, dtype: String, shape: [Int], begin: Int, end: Int)] = [
        ("k.u64", "U64", [2], 0, 16), ("d.i64", "I64", [2, 2], 16, 48), ("c.f64", "F64", [3], 48, 72),
        ("m.c64", "C64", [2], 72, 88), ("a.f32", "F32", [2, 3], 88, 112), ("n.scalar", "F32", [], 112, 116),
        ("o.empty", "F32", [0, 3], 116, 116), ("j.u32", "U32", [2], 116, 124), ("e.i32", "I32", [5], 124, 144),
        ("b.f16", "F16", [4], 144, 152), ("i.u16", "U16", [2], 152, 156), ("f.i16", "I16", [3], 156, 162),
        ("g.i8", "I8", [4], 162, 166), ("h.u8", "U8", [2, 3], 166, 172), ("p.\u{540D}\u{524D}", "U8", [2], 172, 174),
        ("l.bool", "BOOL", [5], 174, 179),
    ]
}
