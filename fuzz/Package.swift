// swift-tools-version:6.2
import Foundation
import PackageDescription

// libFuzzer targets for slime-router's parsers. Not part of the main build:
// scripts/fuzz.sh builds this package with -sanitize=fuzzer,address.
//
// Every folder in Targets/ is one fuzz target (an executable whose single
// file defines `LLVMFuzzerTestOneInput`); its seed corpus is corpus/NAME/.
// Adding a target is adding such a folder and a corpus folder: each target
// may import any library of the main package, `@testable` included (the
// script builds with -enable-testing).
let targetsFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Targets")
let targetNames = ((try? FileManager.default.contentsOfDirectory(atPath: targetsFolder.path)) ?? [])
    .filter { !$0.hasPrefix(".") }
    .sorted()

let mainLibraries = ["ChatTemplate", "HTTPServer", "JSON", "RadixCache", "Router", "Tokenizer"]

let package = Package(
    name: "slime-router-fuzz",
    products: targetNames.map { .executable(name: $0, targets: [$0]) },
    dependencies: [
        // Named so the products resolve whatever the checkout folder is called.
        .package(name: "slime-router", path: ".."),
    ],
    targets: [
        .target(name: "FuzzSupport"),
    ] + targetNames.map { name in
        .executableTarget(
            name: name,
            dependencies: ["FuzzSupport"] + mainLibraries.map { .product(name: $0, package: "slime-router") },
            path: "Targets/\(name)")
    }
)
