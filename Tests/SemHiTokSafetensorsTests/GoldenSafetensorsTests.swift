import SemHiTok
import SemHiTokSafetensors
import TestSupport
import Testing

/// The files the safetensors library wrote (golden/safetensors/README.md): the table and
/// every value are what the README's formulas give, and the sharded checkpoint finds each
/// tensor in its shard.
struct GoldenSafetensorsTests {
    /// `example.safetensors`: the data buffer starts at 8 + 1016 = 1024.
    @Test func exampleHasTheDocumentedTableAndValues() throws {
        let file = try SafetensorsFile(contentsOf: RepositoryPaths.golden("safetensors/example.safetensors"))
        #expect(file.metadata == ["format": "np"])
        let dataStart = 8 + SafetensorsFixtures.exampleHeaderLength
        #expect(dataStart == 1024)
        let table = SafetensorsFixtures.exampleTensors.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        #expect(file.tensors.map(\.name) == table.map(\.name))
        #expect(file.tensors.map(\.dtype.rawValue) == table.map(\.dtype))
        #expect(file.tensors.map(\.shape) == table.map(\.shape))
        #expect(file.tensors.map(\.byteRange) == table.map { (dataStart + $0.begin)..<(dataStart + $0.end) })
        let data = withExtendedLifetime(file) { Dictionary(uniqueKeysWithValues: file.tensors.map { ($0.name, Array(file.bytes(of: $0))) }) }
        let values = { (name: String) in data[name] ?? [] }
        #expect(values("a.f32").littleEndian(UInt32.self).map { Float(bitPattern: $0) } == (0..<6).map { 0.5 * Float($0) - 1 })
        // 2^-2 to 2^1 in binary16: exponent fields 13 to 16, no fraction bits.
        #expect(values("b.f16").littleEndian(UInt16.self) == [0x3400, 0x3800, 0x3C00, 0x4000])
        #expect(values("c.f64").littleEndian(UInt64.self).map { Double(bitPattern: $0) } == [-0.5, -0.25, 0])
        #expect(values("d.i64").littleEndian(Int64.self) == (0..<4).map { (Int64($0) - 2) * 1_000_000_000_000 })
        #expect(values("e.i32").littleEndian(Int32.self) == (0..<5).map { (Int32($0) - 2) * 1000 })
        #expect(values("f.i16").littleEndian(Int16.self) == [-300, 0, 300])
        #expect(values("g.i8").littleEndian(Int8.self) == [-100, -50, 0, 50])
        #expect(values("h.u8") == (0..<6).map { UInt8(51 * $0) })
        #expect(values("i.u16").littleEndian(UInt16.self) == [0, 65535])
        #expect(values("j.u32").littleEndian(UInt32.self) == [0, 4_000_000_000])
        #expect(values("k.u64").littleEndian(UInt64.self) == [0, 18_000_000_000_000_000_000])
        #expect(values("l.bool") == [1, 0, 1, 0, 1])
        // Real and imaginary parts: 0 and 0 (positive zeros, as NumPy computes 0 - 0j), 1 and -1.
        #expect(values("m.c64").littleEndian(UInt32.self) == [0, 0, Float(1).bitPattern, Float(-1).bitPattern])
        #expect(values("n.scalar").littleEndian(UInt32.self) == [Float(7).bitPattern])
        #expect(data["o.empty"] == [])
        #expect(values("p.\u{540D}\u{524D}") == [1, 2])
    }

    @Test func shardedCheckpointFindsEveryTensorInItsShard() throws {
        let folder = RepositoryPaths.golden("safetensors/sharded")
        let checkpoint = try SafetensorsCheckpoint(path: folder)
        let shards = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
        #expect(checkpoint.files.map(\.path) == shards.map { folder + "/" + $0 })
        let expected: [(name: String, shard: Int, shape: [Int], offset: Float)] = [
            ("layers.0.bias", 0, [2], 0), ("layers.0.weight", 0, [2, 2], 0), ("layers.1.bias", 1, [2], 10),
            ("layers.1.weight", 1, [2, 2], 10), ("norm.weight", 1, [2], 100),
        ]
        #expect(checkpoint.tensorNames == expected.map(\.name))
        for tensor in expected {
            let location = try #require(checkpoint.location(of: tensor.name))
            #expect(location.file === checkpoint.files[tensor.shard], "\(tensor.name)")
            #expect(location.tensor.shape == tensor.shape, "\(tensor.name)")
            let values = withExtendedLifetime(location.file) {
                Array(location.file.bytes(of: location.tensor)).littleEndian(UInt32.self).map { Float(bitPattern: $0) }
            }
            #expect(values == (0..<location.tensor.elementCount).map { Float($0) + tensor.offset }, "\(tensor.name)")
        }
    }
}

private extension Array where Element == UInt8 {
    /// The bytes read as consecutive little-endian integers of type `T`.
    func littleEndian<T: FixedWidthInteger>(_: T.Type) -> [T] {
        (0..<(count / MemoryLayout<T>.size)).map { littleEndian(at: $0 * MemoryLayout<T>.size, as: T.self) }
    }
}
