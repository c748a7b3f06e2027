/// Turns full-resolution component rows into interleaved RGB, as libjpeg does for Pillow's
/// RGB output (Spec/jpeg.md section 7).
enum JPEGColorConverter {
    /// libjpeg's YCbCr to RGB tables (jdcolor.c, from the JFIF equations
    /// R = Y + 1.402 Cr, G = Y - 0.34414 Cb - 0.71414 Cr, B = Y + 1.772 Cb with Cb and Cr
    /// centred on 128), with the constants in 16-bit fixed point, FIX(x) = round(x * 2^16).
    /// Four runs of 256 entries indexed by the sample value:
    /// `[0, 256)` Cr to R: `(FIX(1.402) (c - 128) + 2^15) >> 16`;
    /// `[256, 512)` Cb to B: `(FIX(1.772) (c - 128) + 2^15) >> 16`;
    /// `[512, 768)` Cr to G, still scaled: `-FIX(0.71414) (c - 128)`;
    /// `[768, 1024)` Cb to G, still scaled, with the rounding half: `-FIX(0.34414) (c - 128) + 2^15`.
    static let tables: [Int32] = {
        let scale: Int64 = 1 << 16
        let half: Int64 = 1 << 15
        func fix(_ x: Double) -> Int64 { Int64(x * Double(scale) + 0.5) }
        var tables = [Int32](repeating: 0, count: 1024)
        for sample in 0..<256 {
            let centred = Int64(sample - 128)
            tables[sample] = Int32((fix(1.40200) * centred + half) >> 16)
            tables[256 + sample] = Int32((fix(1.77200) * centred + half) >> 16)
            tables[512 + sample] = Int32(-fix(0.71414) * centred)
            tables[768 + sample] = Int32(-fix(0.34414) * centred + half)
        }
        return tables
    }()

    /// Converts `width` pixels of Y, Cb, Cr rows into R, G, B triples at `output`; `tables`
    /// points at `JPEGColorConverter.tables`. Runs of eight pixels compute the tables'
    /// formulas in vector lanes instead of looking them up; the values are the same.
    @inline(__always)
    static func convertYCbCr(_ luma: UnsafePointer<UInt8>, _ blue: UnsafePointer<UInt8>, _ red: UnsafePointer<UInt8>,
                             width: Int, tables: UnsafePointer<Int32>, into output: UnsafeMutablePointer<UInt8>) {
        var start = 0
        while start + 8 <= width {
            @inline(__always) func load(_ row: UnsafePointer<UInt8>) -> SIMD8<Int32> {
                SIMD8<Int32>(truncatingIfNeeded: UnsafeRawPointer(row + start).loadUnaligned(as: SIMD8<UInt8>.self))
            }
            let y = load(luma)
            let c = load(blue) &- 128
            let d = load(red) &- 128
            let half = SIMD8<Int32>(repeating: 1 << 15)
            let r = y &+ ((d &* 91881 &+ half) &>> 16)
            let g = y &+ ((half &- c &* 22554 &- d &* 46802) &>> 16)
            let b = y &+ ((c &* 116130 &+ half) &>> 16)
            let low = SIMD8<Int32>.zero
            let high = SIMD8<Int32>(repeating: 255)
            let red8 = SIMD8<UInt8>(truncatingIfNeeded: r.clamped(lowerBound: low, upperBound: high))
            let green8 = SIMD8<UInt8>(truncatingIfNeeded: g.clamped(lowerBound: low, upperBound: high))
            let blue8 = SIMD8<UInt8>(truncatingIfNeeded: b.clamped(lowerBound: low, upperBound: high))
            let target = output + 3 * start
            for lane in 0..<8 {
                target[3 * lane] = red8[lane]
                target[3 * lane + 1] = green8[lane]
                target[3 * lane + 2] = blue8[lane]
            }
            start += 8
        }
        for x in start..<width {
            let y = Int32(luma[x])
            let cb = Int(blue[x])
            let cr = Int(red[x])
            output[3 * x] = clamp(y + tables[cr])
            output[3 * x + 1] = clamp(y + ((tables[768 + cb] + tables[512 + cr]) >> 16))
            output[3 * x + 2] = clamp(y + tables[256 + cb])
        }
    }

    /// Interleaves `width` pixels of three rows taken as R, G and B (Adobe transform 0).
    @inline(__always)
    static func interleave(_ first: UnsafePointer<UInt8>, _ second: UnsafePointer<UInt8>, _ third: UnsafePointer<UInt8>,
                           width: Int, into output: UnsafeMutablePointer<UInt8>) {
        for x in 0..<width {
            output[3 * x] = first[x]
            output[3 * x + 1] = second[x]
            output[3 * x + 2] = third[x]
        }
    }

    /// Replicates `width` grey samples to R = G = B, as Pillow's conversion of mode L to RGB.
    @inline(__always)
    static func replicateGrey(_ grey: UnsafePointer<UInt8>, width: Int, into output: UnsafeMutablePointer<UInt8>) {
        for x in 0..<width {
            output[3 * x] = grey[x]
            output[3 * x + 1] = grey[x]
            output[3 * x + 2] = grey[x]
        }
    }

    @inline(__always)
    private static func clamp(_ value: Int32) -> UInt8 {
        UInt8(truncatingIfNeeded: min(max(value, 0), 255))
    }
}
