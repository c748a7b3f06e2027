// swift-tools-version: 6.0
import PackageDescription

// libFuzzer targets for the parsers that read untrusted bytes (see README.md; `./run`
// builds and runs them). A package of its own, so that the main package keeps no
// dependencies and no fuzzing flags: it is only ever built with
// `-sanitize=fuzzer,address`, which `./run` passes.
//
// Each target's entry point (`@main`) hands its callback to libFuzzer's
// `LLVMFuzzerRunDriver`, declared by the C target `CFuzzerDriver`.
let package = Package(
    name: "SemHiTokFuzz",
    dependencies: [.package(name: "SemHiTok", path: "..")],
    targets: [
        .target(name: "CFuzzerDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzerDriver", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzPNG", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzJPEG", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzGIF", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzWebP", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzVP8", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzBMP", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzPPM", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzWeights", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzTokenFile", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzTokenStream", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzSafetensors", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzJSON", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(name: "FuzzTar", dependencies: ["FuzzSupport", .product(name: "SemHiTok", package: "SemHiTok")]),
    ]
)
