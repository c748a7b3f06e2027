// swift-tools-version: 6.0
import PackageDescription

// A separate package so that the main package stays free of anything benchmark-only.
let package = Package(
    name: "SemHiTokBenchmarks",
    dependencies: [.package(name: "SemHiTok", path: "..")],
    targets: [
        .executableTarget(
            name: "SemHiTokBenchmarks",
            dependencies: [.product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(
            name: "SemHiTokEndToEnd",
            dependencies: [.product(name: "SemHiTok", package: "SemHiTok")]),
        .executableTarget(
            name: "GemmBenchmarks",
            dependencies: [.product(name: "SemHiTok", package: "SemHiTok")]),
    ]
)
