import BenchmarkSupport
import SemHiTok

// Times the library's hot operations on fixed, seeded inputs and prints one line per
// measurement: `name<TAB>median seconds<TAB>runs`. `Benchmarks/run` puts these next to the
// same work done by NumPy or Pillow and prints the ratios. The image benchmarks run only
// when the folder of shared test photographs is given as the first argument, since that
// folder lives outside the repository, and the folder where pillow_images.py wrote the GIF,
// BMP, JPEG and WebP kinds made from one of them as the second.

/// Times `runs` calls of `body` after a warm-up and prints the result line for `name`.
func report(_ name: String, runs: Int, _ body: () throws -> Void) rethrows {
    let seconds = median(try timings(runs: runs) { _ in try body() })
    print("\(name)\t\(seconds)\t\(runs)")
}

/// The bytes of the file at `path`, copied out of its memory map: the decoders are timed on
/// bytes already in memory (as Pillow's are, from a `BytesIO`), not on page faults.
func contents(of path: String) throws -> [UInt8] {
    let file = try MappedFile(path: path)
    return withExtendedLifetime(file) { Array(file.bytes) }
}

var generator = Generator(state: 42)
let (codes, dimension, tokens) = (24_576, 32, 729)
let semanticCodebook = (0..<codes).flatMap { _ in
    ReferenceSearch.normalize((0..<dimension).map { _ in generator.next() }[...])
}
let features = (0..<(tokens * dimension)).map { _ in generator.next() }
let semantic = try SemanticQuantizer(codebook: semanticCodebook, codebookSize: codes, dimension: dimension)
try report("semantic_lookup_729x24576x32", runs: 15) { _ = try semantic.quantize(features) }

let (subCodebook, pixelDimension) = (8, 8)
let pixelCodebook = (0..<(codes * subCodebook)).flatMap { _ in
    ReferenceSearch.normalize((0..<pixelDimension).map { _ in generator.next() }[...])
}
let pixelFeatures = (0..<(tokens * pixelDimension)).map { _ in generator.next() }
let semanticIndices = try semantic.quantize(features).indices
let pixel = try PixelQuantizer(codebook: pixelCodebook, semanticCodebookSize: codes, subCodebookSize: subCodebook,
                               dimension: pixelDimension)
try report("pixel_lookup_729x8x8", runs: 51) { _ = try pixel.quantize(pixelFeatures, semanticIndices: semanticIndices) }

if CommandLine.arguments.count == 3 {
    let folder = CommandLine.arguments[1]
    let jpeg = try contents(of: folder + "/hubble_deep_field.jpg")
    try report("jpeg_decode_1000x872", runs: 21) { _ = try JPEGDecoder.decode(jpeg, limits: .standard) }
    let png = try contents(of: folder + "/astronaut.png")
    try report("png_decode_512x512", runs: 21) { _ = try PNGDecoder.decode(png, limits: .standard) }
    let derived = CommandLine.arguments[2]
    let gif = try contents(of: derived + "/astronaut.gif")
    try report("gif_decode_512x512", runs: 21) { _ = try GIFDecoder.decode(gif, limits: .standard) }
    let bmp = try contents(of: derived + "/astronaut.bmp")
    try report("bmp_decode_512x512", runs: 21) { _ = try BMPDecoder.decode(bmp, limits: .standard) }
    for kind in ["cmyk", "lossless", "arithmetic"] {
        let file = try contents(of: derived + "/astronaut_\(kind).jpg")
        try report("jpeg_\(kind)_decode_512x512", runs: 21) { _ = try JPEGDecoder.decode(file, limits: .standard) }
    }
    for kind in ["lossless", "lossy"] {
        let file = try contents(of: derived + "/astronaut_\(kind).webp")
        try report("webp_\(kind)_decode_512x512", runs: 21) { _ = try WebPDecoder.decode(file, limits: .standard) }
    }
    let hubble = try JPEGDecoder.decode(jpeg, limits: .standard)
    // The name states the sizes; a different photograph under the same file name would
    // make the comparison with Pillow's line meaningless.
    precondition(hubble.width == 1000 && hubble.height == 872, "hubble_deep_field.jpg is expected to be 1000 x 872")
    report("bicubic_1000x872_to_256x256", runs: 51) { _ = BicubicResize.resize(hubble, width: 256, height: 256) }
}
