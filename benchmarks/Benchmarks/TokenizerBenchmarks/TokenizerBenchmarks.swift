// Tokenizer micro-benchmarks (package-benchmark). The side-by-side
// comparison with tiktoken and HF tokenizers is benchmarks/tokenizer/compare.sh.
// Needs the fixtures from scripts/setup.sh (or $SLIME_FIXTURES_DIR).
import Benchmark
import Foundation
import Tokenizer

private let fixtures: String = {
    if let root = ProcessInfo.processInfo.environment["SLIME_FIXTURES_DIR"] { return root + "/tokenizers" }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(".fixtures/tokenizers").path
}()

/// The benchmark corpus in 4 KB calls, as compare.sh encodes it.
private func corpusChunks() -> [String] {
    guard let data = FileManager.default.contents(atPath: fixtures + "/bench-corpus.txt") else {
        fatalError("missing \(fixtures)/bench-corpus.txt: run scripts/setup.sh")
    }
    let bytes = [UInt8](data)
    var chunks: [String] = []
    var i = 0
    while i < bytes.count {
        var j = min(i + 4096, bytes.count)
        while j < bytes.count, bytes[j] & 0xC0 == 0x80 { j += 1 }
        chunks.append(String(decoding: bytes[i..<j], as: UTF8.self))
        i = j
    }
    return chunks
}

let benchmarks: @Sendable () -> Void = {
    let model = fixtures + "/qwen3"

    Benchmark(
        "Load Qwen3 tokenizer.json",
        configuration: .init(metrics: [.wallClock, .peakMemoryResident], maxDuration: .seconds(10), maxIterations: 10)
    ) { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(try Tokenizer.load(directory: model))
        }
    }

    Benchmark(
        "Encode 8 MB corpus in 4 KB calls (Qwen3)",
        configuration: .init(metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(20), maxIterations: 5)
    ) { benchmark in
        let tokenizer = try Tokenizer.load(directory: model)
        let chunks = corpusChunks()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            for chunk in chunks { blackHole(tokenizer.encode(chunk)) }
        }
    }
}
