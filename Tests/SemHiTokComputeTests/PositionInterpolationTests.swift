import SemHiTok
@testable import SemHiTokCompute
import Testing

/// Position embeddings resized to another grid (Spec/architecture.md section 2,
/// `interpolate`), against PyTorch: the expected values are
/// `torch.nn.functional.interpolate(x, size=(4, 5), mode="bicubic", align_corners=False)`
/// of the 3 x 3 grid below, computed in float64 with torch 2.15.
struct PositionInterpolationTests {
    static let grid: [Float] = [0, 1, 5, 2, 4, -3, 7, -1, 0.5]
    static let torch4x5: [Double] = [
        -0.23266406250000002, -0.12825195312500293, 0.78466796875, 3.7827050781249967, 6.034015625000002,
        0.46710546874999953, 2.078271484375, 3.46826171875, 1.2357958984375015, -0.8828261718750003,
        4.164874999999998, 3.812423828125, 2.52783203125, -0.7287617187499963, -3.111644531250001,
        8.195792968749997, 3.8244628906249982, -1.35888671875, -0.695180664062498, 0.9537910156250003,
    ]

    /// Two channels (the grid and twice the grid), each resized on its own.
    @Test func matchesPyTorchBicubicOnEveryChannel() {
        let embedding = Matrix(rows: 9, columns: 2, values: Self.grid.flatMap { [$0, 2 * $0] })
        let resized = PositionInterpolation.resize(embedding, rows: 4, columns: 5)
        #expect((resized.rows, resized.columns) == (20, 2))
        for (index, expected) in Self.torch4x5.enumerated() {
            #expect(abs(Double(resized.values[2 * index]) - expected) <= 1e-6 * max(1, abs(expected)), "position \(index)")
            #expect(abs(Double(resized.values[2 * index + 1]) - 2 * expected) <= 2e-6 * max(1, abs(expected)), "position \(index)")
        }
    }

    /// At the native grid the embedding is used as stored.
    @Test func theNativeGridIsUnchanged() {
        let embedding = Matrix(rows: 9, columns: 1, values: Self.grid)
        #expect(PositionInterpolation.resize(embedding, rows: 3, columns: 3) == embedding)
    }
}
