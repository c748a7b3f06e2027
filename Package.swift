// swift-tools-version: 6.0
import PackageDescription

// The targets are the layers of the package, each built only on those below it:
//
//   SemHiTokSupport          bytes, checksums, files
//   SemHiTokImageCodecs      PNG, JPEG, GIF, BMP, PPM decoding; encoding   (Support)
//   SemHiTokFormats          the weight container and the token file       (Support)
//   SemHiTokCompute          tensors, the GEMM and the ops of a forward pass (CVectorRegisters)
//   SemHiTokPreprocessing    Pillow's bicubic resize, normalisation        (ImageCodecs, Compute)
//   SemHiTokQuantization     the exact semantic and pixel lookups          (Compute)
//   SemHiTokModel            configurations, weights, the modules, the model (all of the above)
//   SemHiTokConformance      the golden-case runner                        (Model)
//   SemHiTokSafetensors      safetensors files, shard indexes, strict JSON (Support)
//   SemHiTokConvert          HuggingFace SigLIP checkpoints and heads to a container (Safetensors, Model)
//   SemHiTokQuality          PSNR, SSIM, codebook usage, a model's evaluation (Model)
//   SemHiTok                 the library product: all of the above, and the default model
//   SemHiTokCLI, semhitok    the command line                              (SemHiTok)
//
// A target sees only the targets it names; `.ci/run` builds with
// `--explicit-target-dependency-import-check error`, so an import of anything else fails.
let package = Package(
    name: "SemHiTok",
    products: [
        .library(name: "SemHiTok", targets: ["SemHiTok"]),
        .executable(name: "semhitok", targets: ["SemHiTokMain"]),
    ],
    targets: [
        .target(name: "SemHiTokSupport"),
        .target(name: "SemHiTokImageCodecs", dependencies: ["SemHiTokSupport"]),
        .target(name: "SemHiTokFormats", dependencies: ["SemHiTokSupport"]),
        .target(name: "SemHiTokSafetensors", dependencies: ["SemHiTokSupport"]),
        // One header of two macros: the vector registers of the CPU the build targets, which
        // Swift cannot test with `#if` (the GEMM kernel's register block is sized from them).
        .target(name: "CVectorRegisters"),
        .target(name: "SemHiTokCompute", dependencies: ["CVectorRegisters"]),
        .target(name: "SemHiTokPreprocessing", dependencies: ["SemHiTokImageCodecs", "SemHiTokCompute"]),
        .target(name: "SemHiTokQuantization", dependencies: ["SemHiTokCompute"]),
        .target(name: "SemHiTokModel", dependencies: [
            "SemHiTokSupport", "SemHiTokImageCodecs", "SemHiTokFormats", "SemHiTokCompute",
            "SemHiTokPreprocessing", "SemHiTokQuantization",
        ]),
        .target(name: "SemHiTokConformance", dependencies: [
            "SemHiTokSupport", "SemHiTokImageCodecs", "SemHiTokFormats", "SemHiTokCompute",
            "SemHiTokPreprocessing", "SemHiTokQuantization", "SemHiTokModel",
        ]),
        .target(name: "SemHiTokConvert", dependencies: [
            "SemHiTokSupport", "SemHiTokFormats", "SemHiTokQuantization", "SemHiTokModel", "SemHiTokSafetensors",
        ]),
        .target(name: "SemHiTokQuality", dependencies: ["SemHiTokImageCodecs", "SemHiTokPreprocessing", "SemHiTokModel"]),
        .target(name: "SemHiTokDatasets", dependencies: ["SemHiTokSupport"]),
        // Re-exports every layer, and holds the default model the commands use without --model.
        .target(name: "SemHiTok", dependencies: [
            "SemHiTokSupport", "SemHiTokImageCodecs", "SemHiTokFormats", "SemHiTokCompute",
            "SemHiTokPreprocessing", "SemHiTokQuantization", "SemHiTokModel", "SemHiTokConformance",
            "SemHiTokSafetensors", "SemHiTokConvert", "SemHiTokQuality", "SemHiTokDatasets",
        ],
                resources: [.copy("DefaultModel/demo.shw")]),
        // The `semhitok` command line: argument parsing and commands, as a library so that
        // tests can run commands in-process and check their output and exit status.
        .target(name: "SemHiTokCLI", dependencies: ["SemHiTok"]),
        // A one-line `main` around SemHiTokCLI (a separate name because `Sources/semhitok`
        // and `Sources/SemHiTok` would collide on case-insensitive file systems).
        .executableTarget(name: "SemHiTokMain", dependencies: ["SemHiTokCLI"]),
        .target(name: "TestSupport", dependencies: ["SemHiTok"], path: "Tests/TestSupport"),
        // One test target per library target, named after it.
        .testTarget(name: "SemHiTokSupportTests", dependencies: ["SemHiTokSupport", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokImageCodecsTests", dependencies: ["SemHiTokImageCodecs", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokFormatsTests", dependencies: ["SemHiTokFormats", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokSafetensorsTests", dependencies: ["SemHiTokSafetensors", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokComputeTests", dependencies: ["SemHiTokCompute", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokPreprocessingTests", dependencies: ["SemHiTokPreprocessing", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokQuantizationTests", dependencies: ["SemHiTokQuantization", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokModelTests", dependencies: ["SemHiTokModel", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokConformanceTests", dependencies: ["SemHiTokConformance", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokDatasetsTests", dependencies: ["SemHiTokDatasets", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokConvertTests", dependencies: ["SemHiTokConvert", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokQualityTests", dependencies: ["SemHiTokQuality", "SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokCLITests", dependencies: ["SemHiTokCLI", "SemHiTok", "TestSupport"]),
    ]
)
