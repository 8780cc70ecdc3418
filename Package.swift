// swift-tools-version:6.2
import PackageDescription

// Layers, bottom up:
//   C wrappers        CUV (libuv), CLLHTTP (llhttp), CCurl (libcurl),
//                     CThreadPlacement (CPU affinity calls glibc hides behind _GNU_SOURCE)
//   loop and HTTP     EventLoop (the only one that sees libuv), HTTPHeaderFields (the
//                     header type both sides share), HTTPServer, WorkerClient
//   pure logic        JSON, RadixCache, Tokenizer, ChatTemplate (no C, no I/O)
//   the product       Router (routes, workers, policies, middleware, metrics)
//   executables       slime-router, mock-sglang
let package = Package(
    name: "slime-router",
    products: [
        .executable(name: "slime-router", targets: ["SlimeRouter"]),
        .executable(name: "mock-sglang", targets: ["MockSGLang"]),
        .library(name: "Router", targets: ["Router"]),
        .library(name: "RadixCache", targets: ["RadixCache"]),
        .library(name: "Tokenizer", targets: ["Tokenizer"]),
        .library(name: "ChatTemplate", targets: ["ChatTemplate"]),
        // For the fuzzing package (fuzz/), which depends on this one by path.
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "JSON", targets: ["JSON"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
    ],
    targets: [
        .systemLibrary(name: "CUV", pkgConfig: "libuv", providers: [.apt(["libuv1-dev"])]),
        .systemLibrary(name: "CLLHTTP", pkgConfig: "llhttp"),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .target(name: "CThreadPlacement"),

        .target(name: "EventLoop", dependencies: ["CUV", "CThreadPlacement"]),
        .target(name: "JSON"),
        .target(name: "HTTPHeaderFields"),
        .target(name: "HTTPServer", dependencies: ["EventLoop", "HTTPHeaderFields", "CLLHTTP"]),
        .target(name: "WorkerClient", dependencies: ["EventLoop", "HTTPHeaderFields", "CLLHTTP", "CCurl"]),

        .target(name: "RadixCache"),
        .target(name: "Tokenizer", dependencies: ["JSON"]),
        .target(name: "ChatTemplate", dependencies: ["JSON"]),

        .target(
            name: "Router",
            dependencies: [
                "EventLoop", "HTTPServer", "WorkerClient", "JSON", "RadixCache", "Tokenizer",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "SlimeRouter",
            dependencies: [
                "Router", "EventLoop", "WorkerClient", "ChatTemplate", "JSON", "Tokenizer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "MockSGLang",
            dependencies: [
                "EventLoop", "HTTPServer", "JSON", "Tokenizer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Fixtures for every test target: the router and mock-sglang as child
        // processes (RouterProcess, MockWorkerProcess), raw HTTP clients, seeds.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        // Unit tests: in-process, one module each.
        .testTarget(name: "EventLoopTests", dependencies: ["EventLoop", "TestSupport"]),
        .testTarget(name: "HTTPHeaderFieldsTests", dependencies: ["HTTPHeaderFields"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "EventLoop", "TestSupport"]),
        .testTarget(
            name: "RouterTests",
            dependencies: ["TestSupport", "Router", "Tokenizer", .product(name: "Prometheus", package: "swift-prometheus")]),
        .testTarget(name: "WorkerClientTests", dependencies: ["WorkerClient", "EventLoop", "TestSupport"]),
        .testTarget(name: "JSONTests", dependencies: ["JSON"]),
        .testTarget(name: "RadixCacheTests", dependencies: ["RadixCache", "TestSupport"]),
        .testTarget(name: "TokenizerTests", dependencies: ["Tokenizer", "TestSupport"]),
        .testTarget(name: "ChatTemplateTests", dependencies: ["ChatTemplate", "JSON", "TestSupport"]),
        // Process-level tests: the built slime-router and mock-sglang on loopback.
        // IntegrationTests: proxying, limits, workers, health, metrics, mock-sglang itself.
        .testTarget(name: "IntegrationTests", dependencies: ["TestSupport"]),
        // EndToEndTests: RL conversations through the radix tree with the Qwen3 tokenizer.
        .testTarget(name: "EndToEndTests", dependencies: ["TestSupport", "Tokenizer"]),
    ]
)
