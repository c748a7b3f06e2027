import SemHiTok

/// One line for each cut of `bytes` (its first `cut` bytes, for every `cut` in `cuts`)
/// that `decode` accepts or refuses with anything but *truncated*; empty when every cut is
/// reported as truncated, as the image specs require.
public func cutsNotReportedAsTruncated(_ bytes: [UInt8], at cuts: [Int], label: String,
                                       decode: ([UInt8]) throws(ImageDecodingProblem) -> Void) -> [String] {
    cuts.compactMap { cut in
        do throws(ImageDecodingProblem) {
            try decode(Array(bytes[..<cut]))
            return "\(label) cut at \(cut) decoded"
        } catch {
            if case .truncated = error { return nil }
            return "\(label) cut at \(cut): \(error)"
        }
    }
}
