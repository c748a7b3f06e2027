import SemHiTokImageCodecs
import SemHiTokFormats

/// Reading the typed inputs and expectations of golden cases (Spec/conformance.md), each
/// checked against the shape the case kind requires.
extension WeightFile {
    /// The `u8 [H, W, 3]` tensor `name` as an image, its size checked against the limits.
    func caseImage(_ name: String) throws -> RGBImage {
        let info = try tensor(name)
        guard info.shape.count == 3, info.shape[2] == 3 else {
            throw error(.unexpectedShape(tensor: name, expected: "[H, W, 3]", found: info.shape))
        }
        do {
            try ImageLimits.standard.check(width: info.shape[1], height: info.shape[0])
        } catch {
            throw self.error(.unexpectedShape(tensor: name, expected: "an image size within the limits: \(error)",
                                              found: info.shape))
        }
        return RGBImage(width: info.shape[1], height: info.shape[0], pixels: try caseBytes(name, shape: info.shape))
    }

    /// The bytes of the `u8` tensor `name`, which must have `shape`.
    func caseBytes(_ name: String, shape: [Int]) throws -> [UInt8] {
        let (values, found) = try uint8s(name)
        guard found == shape else { throw error(.unexpectedShape(tensor: name, expected: "\(shape)", found: found)) }
        return values
    }

    /// The values of the float tensor `name`, which must have `shape`.
    func caseFloats(_ name: String, shape: [Int]) throws -> [Float] {
        let (values, found) = try floats(name)
        guard found == shape else { throw error(.unexpectedShape(tensor: name, expected: "\(shape)", found: found)) }
        return values
    }

    /// The values of the `i32` tensor `name`, which must have `shape`.
    func caseInt32s(_ name: String, shape: [Int]) throws -> [Int32] {
        let (values, found) = try int32s(name)
        guard found == shape else { throw error(.unexpectedShape(tensor: name, expected: "\(shape)", found: found)) }
        return values
    }
}
