// swift-tools-version: 6.0
import PackageDescription

// A separate package so that the main package stays free of anything benchmark-only.
let package = Package(
    name: "SemHiTokBenchmarks",
    dependencies: [.package(name: "SemHiTok", path: "..")],
    targets: [
        // The seeded data generator and the timing helpers every benchmark shares.
        .target(name: "BenchmarkSupport"),
        .executableTarget(
            name: "SemHiTokBenchmarks",
            dependencies: [.product(name: "SemHiTok", package: "SemHiTok"), "BenchmarkSupport"]),
        .executableTarget(
            name: "SemHiTokEndToEnd",
            dependencies: [.product(name: "SemHiTok", package: "SemHiTok"), "BenchmarkSupport"]),
        .executableTarget(
            name: "SemHiTokModelRate",
            dependencies: [.product(name: "SemHiTok", package: "SemHiTok"), "BenchmarkSupport"]),
        .executableTarget(
            name: "GemmBenchmarks",
            dependencies: [.product(name: "SemHiTok", package: "SemHiTok"), "BenchmarkSupport"]),
    ]
)
