import Foundation
import SemHiTokImageCodecs

/// How close a reconstruction is to its reference image (Spec/quality.md section 1): PSNR
/// and SSIM over the 8-bit RGB values, computed in double precision.
public enum ImageQuality {
    /// Why two images cannot be compared.
    public enum ComparisonError: Error, Equatable, CustomStringConvertible {
        case sizeMismatch(reference: [Int], reconstruction: [Int])
        case tooSmallForSSIM(width: Int, height: Int)

        public var description: String {
            switch self {
            case .sizeMismatch(let reference, let reconstruction):
                "images of different sizes: \(reference[0]) x \(reference[1]) and \(reconstruction[0]) x \(reconstruction[1])"
            case .tooSmallForSSIM(let width, let height):
                "a \(width) x \(height) image is smaller than SSIM's \(ssimWindow) x \(ssimWindow) window"
            }
        }
    }

    /// `10 log10(255² / MSE)` over every value of the two images (all three channels), in
    /// decibels; infinity for identical images.
    public static func psnr(_ reference: RGBImage, _ reconstruction: RGBImage) throws(ComparisonError) -> Double {
        try checkSizes(reference, reconstruction)
        var sum = 0.0
        for (a, b) in zip(reference.pixels, reconstruction.pixels) {
            let difference = Double(a) - Double(b)
            sum += difference * difference
        }
        let meanSquaredError = sum / Double(reference.pixels.count)
        return meanSquaredError == 0 ? .infinity : 10 * log10(255 * 255 / meanSquaredError)
    }

    /// The side of SSIM's window: a Gaussian of `σ = 1.5` truncated at 3.5 σ (radius 5).
    public static let ssimWindow = 2 * ssimRadius + 1
    private static let ssimRadius = 5
    private static let ssimSigma = 1.5

    /// The mean structural similarity of Wang et al. (2004) with a Gaussian window, as
    /// `skimage.metrics.structural_similarity(gaussian_weights=True, sigma=1.5,
    /// use_sample_covariance=False, data_range=255)` computes it: per channel, the SSIM map
    /// averaged over the pixels at least the window's radius from every edge, then the
    /// mean of the three channels.
    public static func ssim(_ reference: RGBImage, _ reconstruction: RGBImage) throws(ComparisonError) -> Double {
        try checkSizes(reference, reconstruction)
        guard reference.width >= ssimWindow, reference.height >= ssimWindow else {
            throw .tooSmallForSSIM(width: reference.width, height: reference.height)
        }
        let (c1, c2): (Double, Double) = ((0.01 * 255) * (0.01 * 255), (0.03 * 255) * (0.03 * 255))
        var total = 0.0
        for channel in 0..<3 {
            let x = plane(reference, channel), y = plane(reconstruction, channel)
            let (width, height) = (reference.width, reference.height)
            let meanX = blurred(x, width: width, height: height), meanY = blurred(y, width: width, height: height)
            let meanXX = blurred(zip(x, x).map { $0 * $1 }, width: width, height: height)
            let meanYY = blurred(zip(y, y).map { $0 * $1 }, width: width, height: height)
            let meanXY = blurred(zip(x, y).map { $0 * $1 }, width: width, height: height)
            var sum = 0.0
            for row in ssimRadius..<(height - ssimRadius) {
                for column in ssimRadius..<(width - ssimRadius) {
                    let n = row * width + column
                    let (ux, uy) = (meanX[n], meanY[n])
                    let (vx, vy, vxy) = (meanXX[n] - ux * ux, meanYY[n] - uy * uy, meanXY[n] - ux * uy)
                    sum += ((2 * ux * uy + c1) * (2 * vxy + c2)) / ((ux * ux + uy * uy + c1) * (vx + vy + c2))
                }
            }
            total += sum / Double((height - 2 * ssimRadius) * (width - 2 * ssimRadius))
        }
        return total / 3
    }

    private static func checkSizes(_ reference: RGBImage, _ reconstruction: RGBImage) throws(ComparisonError) {
        guard reference.width == reconstruction.width, reference.height == reconstruction.height else {
            throw .sizeMismatch(reference: [reference.width, reference.height],
                                reconstruction: [reconstruction.width, reconstruction.height])
        }
    }

    /// One channel of `image` as doubles, row-major.
    private static func plane(_ image: RGBImage, _ channel: Int) -> [Double] {
        stride(from: channel, to: image.pixels.count, by: 3).map { Double(image.pixels[$0]) }
    }

    /// The normalised Gaussian weights `exp(-k² / (2 σ²))`, `k = -5 ... 5`.
    private static let gaussian: [Double] = {
        let weights = (-ssimRadius...ssimRadius).map { exp(-0.5 * pow(Double($0) / ssimSigma, 2)) }
        let sum = weights.reduce(0, +)
        return weights.map { $0 / sum }
    }()

    /// `values` filtered by the Gaussian along rows, then along columns. Only pixels at
    /// least the radius from every edge are read afterwards, so the edges are left as they
    /// are (what lies beyond them never matters).
    private static func blurred(_ values: [Double], width: Int, height: Int) -> [Double] {
        var horizontal = values
        for row in 0..<height {
            for column in ssimRadius..<(width - ssimRadius) {
                var sum = 0.0
                for (k, weight) in gaussian.enumerated() { sum += weight * values[row * width + column + k - ssimRadius] }
                horizontal[row * width + column] = sum
            }
        }
        var result = horizontal
        for row in ssimRadius..<(height - ssimRadius) {
            for column in 0..<width {
                var sum = 0.0
                for (k, weight) in gaussian.enumerated() { sum += weight * horizontal[(row + k - ssimRadius) * width + column] }
                result[row * width + column] = sum
            }
        }
        return result
    }
}
