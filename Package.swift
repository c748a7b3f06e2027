// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "SemHiTok",
    products: [
        .library(name: "SemHiTok", targets: ["SemHiTok"]),
        .executable(name: "semhitok", targets: ["SemHiTokMain"]),
    ],
    targets: [
        // Formats, image I/O, preprocessing, the model, quantizers and the conformance runner:
        // everything a program embedding the tokenizer needs, with the default `tiny` model.
        .target(name: "SemHiTok", dependencies: ["CVectorRegisters"], resources: [.copy("DefaultModel/tiny.shw")]),
        // One header of two macros: the vector registers of the CPU the build targets, which
        // Swift cannot test with `#if` (the GEMM kernel's register block is sized from them).
        .target(name: "CVectorRegisters"),
        // The `semhitok` command line: argument parsing and commands, as a library so that
        // tests can run commands in-process and check their output and exit status.
        .target(name: "SemHiTokCLI", dependencies: ["SemHiTok"]),
        // A one-line `main` around SemHiTokCLI (a separate name because `Sources/semhitok`
        // and `Sources/SemHiTok` would collide on case-insensitive file systems).
        .executableTarget(name: "SemHiTokMain", dependencies: ["SemHiTokCLI"]),
        .target(name: "TestSupport", dependencies: ["SemHiTok"], path: "Tests/TestSupport"),
        .testTarget(name: "SemHiTokTests", dependencies: ["SemHiTok", "TestSupport"]),
        .testTarget(name: "SemHiTokCLITests", dependencies: ["SemHiTokCLI", "SemHiTok", "TestSupport"]),
    ]
)
