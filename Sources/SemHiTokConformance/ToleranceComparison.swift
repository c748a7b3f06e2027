import Foundation

/// Float comparisons within a tolerance for golden checks of the model (Spec/conformance.md
/// section 5), where two correct implementations may differ in the last bits.
enum ToleranceComparison {
    /// How far `actual` is from `expected`: the largest absolute difference and that
    /// difference divided by the largest magnitude in `expected` (infinite when a value is
    /// NaN or `expected` is all zeros and `actual` is not).
    struct Measurement {
        let maximumAbsoluteError: Double
        let normalizedError: Double
    }

    static func measure(expected: [Float], actual: [Float]) -> Measurement {
        precondition(expected.count == actual.count, "ToleranceComparison: counts differ")
        var largestDifference = 0.0
        var largestMagnitude = 0.0
        for (e, a) in zip(expected, actual) {
            let difference = abs(Double(a) - Double(e))
            largestDifference = difference.isNaN ? .infinity : max(largestDifference, difference)
            largestMagnitude = max(largestMagnitude, abs(Double(e)))
        }
        let normalized = largestDifference == 0 ? 0 : largestMagnitude == 0 ? .infinity : largestDifference / largestMagnitude
        return Measurement(maximumAbsoluteError: largestDifference, normalizedError: normalized)
    }

    /// The check called `name`: a failure line when the normalised error is above
    /// `tolerance`, and a line reporting both errors either way.
    static func check(_ name: String, expected: [Float], actual: [Float], tolerance: Double)
        -> (failures: [String], report: String)
    {
        guard expected.count == actual.count else {
            return (["\(name): expected \(expected.count) values, got \(actual.count)"], "\(name): wrong size")
        }
        let measurement = measure(expected: expected, actual: actual)
        let report = "\(name): normalised error \(format(measurement.normalizedError)), "
            + "max abs error \(format(measurement.maximumAbsoluteError))"
        let failed = !(measurement.normalizedError <= tolerance)
        return (failed ? ["\(report), above the tolerance \(format(tolerance))"] : [], report)
    }

    /// Three significant digits in scientific notation, for reports.
    private static func format(_ value: Double) -> String {
        String(format: "%.2e", value)
    }
}
