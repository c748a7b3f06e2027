import Foundation
import SemHiTok

/// Checks against a fixture folder of golden/images written by a
/// `tools/make_*_fixtures.py`: the files named in its `expected.shw` with the RGB pixels
/// Pillow gives for each, and the files Pillow refuses in its `refused/` folder.
public enum PillowImageFixtures {
    /// Decodes every file named in `folder`/expected.shw with `decode`: how many there are,
    /// and a line for each that fails or whose size or pixels differ from Pillow's.
    public static func mismatches(in folder: String, decode: ([UInt8]) throws -> RGBImage) throws -> (count: Int, lines: [String]) {
        let expected = try WeightFile(contentsOf: folder + "/expected.shw")
        var lines: [String] = []
        for tensor in expected.tensors {
            do {
                let image = try decode(try readBytes(folder + "/" + tensor.name))
                if [image.height, image.width, 3] != tensor.shape {
                    lines.append("\(tensor.name): \(image.width) x \(image.height), Pillow's is \(tensor.shape)")
                } else if image.pixels != Array(expected.bytes(of: tensor)) {
                    lines.append("\(tensor.name): other pixels than Pillow's")
                }
            } catch {
                lines.append("\(tensor.name): \(error)")
            }
        }
        return (expected.tensors.count, lines)
    }

    /// A line for each file of `folder`/refused that is not a key of `expected` or that
    /// `decode` does not refuse with the error `expected` names, and for each key without
    /// its file.
    public static func refusalMismatches(in folder: String, expected: [String: ImageDecodingProblem],
                                         decode: ([UInt8]) throws(ImageDecodingProblem) -> RGBImage) throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/refused").sorted()
        var lines = expected.keys.filter { !names.contains($0) }.sorted().map { "\($0): no such file" }
        for name in names {
            guard let problem = expected[name] else {
                lines.append("\(name): no expected error")
                continue
            }
            let bytes = try readBytes(folder + "/refused/" + name)
            do throws(ImageDecodingProblem) {
                _ = try decode(bytes)
                lines.append("\(name): decoded")
            } catch {
                if error != problem { lines.append("\(name): \(error), expected \(problem)") }
            }
        }
        return lines
    }
}
