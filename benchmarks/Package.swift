// swift-tools-version:6.2
import PackageDescription

// Micro-benchmarks (package-benchmark). Run from this folder:
//   swift package --disable-sandbox benchmark
// HTTP load benchmarks live beside this package as scripts (see README.md).
let package = Package(
    name: "slime-router-benchmarks",
    dependencies: [
        // Named so the products resolve whatever the checkout folder is called.
        .package(name: "slime-router", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "TokenizerBenchmarks",
            dependencies: [
                .product(name: "Tokenizer", package: "slime-router"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/TokenizerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "RadixCacheBenchmarks",
            dependencies: [
                .product(name: "RadixCache", package: "slime-router"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RadixCacheBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
