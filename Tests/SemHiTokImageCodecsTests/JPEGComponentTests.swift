import Foundation
import SemHiTok
@testable import SemHiTokImageCodecs
import TestSupport
import Testing

/// The decoder's parts checked on their own, against values worked out by hand from
/// libjpeg's formulas (Spec/jpeg.md sections 3 to 7).
struct JPEGComponentTests {
    /// libjpeg writes the annex K tables when not optimizing: the DHT segments of a Pillow
    /// file made that way hold exactly the standard tables.
    @Test func standardHuffmanTablesAreTheOnesLibjpegWrites() throws {
        let file = try readBytes(RepositoryPaths.golden("images/jpeg/photo_33x17_q75_420_baseline.jpg"))
        var tables = JPEGHuffmanTables()
        for segment in JPEGStreams.split(file).segments where segment.marker == 0xC4 {
            try Array(segment.bytes.dropFirst(4)).withUnsafeBytes { payload in
                try Result { () throws(ImageDecodingProblem) in try tables.read(payload) }.get()
            }
        }
        #expect(tables.dc[0] == JPEGStandardHuffmanTables.luminanceDC)
        #expect(tables.dc[1] == JPEGStandardHuffmanTables.chrominanceDC)
        #expect(tables.ac[0] == JPEGStandardHuffmanTables.luminanceAC)
        #expect(tables.ac[1] == JPEGStandardHuffmanTables.chrominanceAC)
    }

    /// Codes 0, 10, 110 for symbols 5, 6, 7 (lengths 1, 2, 3): the lookup of the first 9
    /// bits gives length << 8 | symbol.
    @Test func huffmanLookupHoldsCanonicalCodes() throws {
        var storage: [Int32] = []
        let table = JPEGHuffmanSpecification(counts: [1, 1, 1] + [UInt8](repeating: 0, count: 13), symbols: [5, 6, 7])
        try JPEGHuffmanDecodingTable.append(table, isDC: true, to: &storage)
        #expect(storage[0b0_0000_0000] == 1 << 8 | 5)
        #expect(storage[0b0_1111_1111] == 1 << 8 | 5)
        #expect(storage[0b1_0000_0000] == 2 << 8 | 6)
        #expect(storage[0b1_1000_0000] == 3 << 8 | 7)
        #expect(storage[0b1_1100_0000] == 0)
    }

    /// `FF 00` is the data byte FF; a marker ends the data, after which zero bits are
    /// supplied and counted.
    @Test func bitReaderUnstuffsAndStopsAtMarkers() {
        let bytes: [UInt8] = [0xFF, 0x00, 0x80, 0xFF, 0xD9]
        bytes.withUnsafeBytes { raw in
            var reader = JPEGBitReader(bytes: raw, position: 0)
            reader.ensureBits()
            #expect(reader.bits(8) == 0xFF)
            #expect(reader.bits(1) == 1)
            #expect(reader.bits(7) == 0)
            #expect(!reader.consumedPadding)
            #expect(reader.bits(1) == 0)
            #expect(reader.consumedPadding)
            #expect(reader.ended)
            #expect(reader.position == 3)
        }
    }

    /// The signed values of size categories (T.81 table F.1): size 3 codes -7...-4 as
    /// 000...011 and 4...7 as 100...111.
    @Test func extraBitsExtendToSignedValues() {
        let bytes: [UInt8] = [0b0001_1110, 0b1100_0000]
        bytes.withUnsafeBytes { raw in
            var reader = JPEGBitReader(bytes: raw, position: 0)
            reader.ensureBits()
            #expect(reader.signedValue(3) == -7)
            #expect(reader.signedValue(3) == 7)
            #expect(reader.signedValue(3) == 5)
            #expect(reader.signedValue(3) == 4)
        }
    }

    /// A block with only a DC coefficient d and multiplier q is flat at
    /// 128 + ((4 d q + 16) >> 5), clamped: d = 8, q = 1 gives 128 + 1; d = -64, q = 2 gives
    /// 128 + (-496 >> 5) = 128 - 16; d = 400 or -400, q = 4 clamp to 255 and 0.
    @Test func inverseDCTOfADCOnlyBlockIsFlat() {
        for (dc, multiplier, sample) in [(Int16(8), Int32(1), UInt8(129)), (-64, 2, 112), (400, 4, 255), (-400, 4, 0)] {
            var coefficients = [Int16](repeating: 0, count: 64)
            coefficients[0] = dc
            let output = transform(coefficients, quantization: [Int32](repeating: multiplier, count: 64))
            #expect(output == [UInt8](repeating: sample, count: 64), "DC \(dc) x \(multiplier)")
        }
    }

    /// Against a floating-point IDCT (T.81 A.3.3): libjpeg's integer version stays within 1.
    @Test func inverseDCTMatchesTheDefinitionWithinOne() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200 {
            var coefficients = [Int16](repeating: 0, count: 64)
            coefficients[0] = Int16(Int(generator.next() % 1000) - 500)
            for index in 1..<64 {
                // Smaller at higher frequencies, as in real images.
                coefficients[index] = Int16((Int(generator.next() % 61) - 30) / (1 + index / 8))
            }
            let output = transform(coefficients, quantization: [Int32](repeating: 1, count: 64))
            for y in 0..<8 {
                for x in 0..<8 {
                    var sum = 0.0
                    for v in 0..<8 {
                        for u in 0..<8 {
                            let cu: Double = u == 0 ? 1 / 2.0.squareRoot() : 1
                            let cv: Double = v == 0 ? 1 / 2.0.squareRoot() : 1
                            let horizontal = cos(Double(2 * x + 1) * Double(u) * Double.pi / 16)
                            let vertical = cos(Double(2 * y + 1) * Double(v) * Double.pi / 16)
                            sum += cu * cv * Double(coefficients[8 * v + u]) * horizontal * vertical
                        }
                    }
                    let exact = min(max(sum / 4 + 128, 0), 255)
                    #expect(abs(Double(output[8 * y + x]) - exact) <= 1.0)
                }
            }
        }
    }

    /// A DC of 100 with multiplier 100 and nothing else: libjpeg-turbo's SIMD shortcut keeps
    /// 100 * 100 * 4 = 40000 in 16 bits, -25536; the row gives (-25536 + 16) >> 5 = -798,
    /// clamped to -128, sample 0. (libjpeg's C code would give 40016 >> 5 = 1250, whose low
    /// 10 bits read as 226, sample 255.)
    @Test func inverseDCTWrapsAndSaturatesLikeTheSIMDCode() {
        var coefficients = [Int16](repeating: 0, count: 64)
        coefficients[0] = 100
        let quantization = [Int32](repeating: 100, count: 64)
        var output = [UInt8](repeating: 1, count: 64)
        var workspace = [Int32](repeating: 0, count: 64)
        coefficients.withUnsafeBufferPointer { block in
            quantization.withUnsafeBufferPointer { table in
                output.withUnsafeMutableBufferPointer { samples in
                    workspace.withUnsafeMutableBufferPointer { space in
                        JPEGInverseDCT.transformBlock(block.baseAddress!, quantization: table.baseAddress!,
                                                      output: samples.baseAddress!, stride: 8, workspace: space.baseAddress!)
                    }
                }
            }
        }
        #expect(output == [UInt8](repeating: 0, count: 64))
    }

    /// Cr = 255: R gets (91881 * 127 + 32768) >> 16 = 178; Cb = 0: B gets
    /// (116130 * -128 + 32768) >> 16 = -227 (floor); G's terms stay scaled by 2^16.
    @Test func colourTablesUseLibjpegsFixedPoint() {
        let tables = JPEGColorConverter.tables
        #expect(tables[255] == 178)
        #expect(tables[256 + 0] == -227)
        #expect(tables[512 + 255] == -5_943_854)
        #expect(tables[768 + 0] == 2_919_680)
        #expect(tables[128] == 0 && tables[256 + 128] == 0 && tables[512 + 128] == 0 && tables[768 + 128] == 32768)
    }

    /// The eight-pixel path computes the tables' formulas directly: for every Cb and Cr and
    /// a spread of Y it gives what the table path (the pixels past a multiple of 8) gives.
    @Test func colourConversionPathsAgreeForEveryChroma() {
        let tables = JPEGColorConverter.tables
        var luma = [UInt8](repeating: 0, count: 9)
        var blue = [UInt8](repeating: 0, count: 9)
        var red = [UInt8](repeating: 0, count: 9)
        var output = [UInt8](repeating: 0, count: 27)
        for cb in 0..<256 {
            for cr in 0..<256 {
                for lane in 0..<9 {
                    luma[lane] = UInt8((cb + 37 * lane + cr) & 0xFF)
                    blue[lane] = UInt8(cb)
                    red[lane] = UInt8(cr)
                }
                luma[8] = luma[(cb + cr) % 8]
                tables.withUnsafeBufferPointer { table in
                    output.withUnsafeMutableBufferPointer { out in
                        guard let table = table.baseAddress, let out = out.baseAddress else { return }
                        JPEGColorConverter.convertYCbCr(luma, blue, red, width: 9, tables: table, into: out)
                    }
                }
                let vector = Array(output[(3 * ((cb + cr) % 8))..<(3 * ((cb + cr) % 8) + 3)])
                if vector != Array(output[24..<27]) {
                    Issue.record("Cb \(cb), Cr \(cr): eight-pixel path \(vector), table path \(Array(output[24..<27]))")
                }
            }
        }
    }

    /// libjpeg's h2v1 triangle filter on 10, 20, 30: the ends copy, the inner samples weigh
    /// 3/4 and 1/4 with biases 1 then 2: 10, (30+20+2)/4 = 13, (60+10+1)/4 = 17,
    /// (60+30+2)/4 = 23, (90+20+1)/4 = 27, 30.
    @Test func horizontalUpsamplingIsLibjpegsTriangleFilter() {
        let row: [UInt8] = [10, 20, 30]
        let output = upsample(row, width: 3, height: 1, method: .horizontalFancy, y: 0)
        #expect(Array(output.prefix(6)) == [10, 13, 17, 23, 27, 30])
    }

    /// Two input rows 0 and 100, vertical 2:1: output rows 0..3 are
    /// (3*0 + 0 + 1)/4 = 0, (3*0 + 100 + 2)/4 = 25, (300 + 0 + 1)/4 = 75, (300 + 100 + 2)/4 = 100.
    @Test func verticalUpsamplingUsesTheEdgeRowAtTheEdges() {
        let plane: [UInt8] = [0, 100]
        let rows = (0..<4).map { upsample(plane, width: 1, height: 2, method: .verticalFancy, y: $0)[0] }
        #expect(rows == [0, 25, 75, 100])
    }

    private func transform(_ coefficients: [Int16], quantization: [Int32]) -> [UInt8] {
        let storage = JPEGCoefficientStorage(blocksPerLine: 1, blockRows: 1)
        for index in 0..<64 { storage.coefficients[index] = coefficients[index] }
        storage.quantization = quantization
        var output = [UInt8](repeating: 0, count: 64)
        output.withUnsafeMutableBufferPointer { buffer in
            if let base = buffer.baseAddress { JPEGInverseDCT.transform(storage, widthInBlocks: 1, heightInBlocks: 1, into: base) }
        }
        return output
    }

    private func upsample(_ plane: [UInt8], width: Int, height: Int, method: JPEGUpsampler.Method, y: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: 2 * width + 2)
        plane.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { buffer in
                guard let source = input.baseAddress, let target = buffer.baseAddress else { return }
                let upsampler = JPEGUpsampler(method: method, plane: source, stride: width, width: width, height: height)
                let row = upsampler.row(y, buffer: target)
                for index in 0..<(2 * width) { target[index] = row[index] }
            }
        }
        return output
    }
}
