// Single-threaded encode throughput of our tokenizer, for compare.sh: built
// with swiftc together with Sources/Tokenizer, so it does not depend on the
// rest of the package. Prints one JSON line.
import Foundation

func residentBytes() -> Int {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    return (Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
}

func chunks(of text: String, size: Int) -> [String] {
    let bytes = Array(text.utf8)
    var out: [String] = []
    var i = 0
    while i < bytes.count {
        var j = min(i + size, bytes.count)
        while j < bytes.count, bytes[j] & 0xC0 == 0x80 { j += 1 }  // never cut a character
        out.append(String(decoding: bytes[i..<j], as: UTF8.self))
        i = j
    }
    return out
}

let arguments = CommandLine.arguments
guard arguments.count == 5, let chunkSize = Int(arguments[3]), let rounds = Int(arguments[4]) else {
    print("usage: throughput <model-dir> <corpus> <chunk-bytes> <rounds>")
    exit(2)
}
let corpus = try String(contentsOfFile: arguments[2], encoding: .utf8)
let pieces = chunks(of: corpus, size: chunkSize)
let rssBefore = residentBytes()
let loadStart = Date()
let tokenizer = try Tokenizer.load(directory: arguments[1])
let loadSeconds = Date().timeIntervalSince(loadStart)
let vocabularyBytes = residentBytes() - rssBefore

var best = Double.infinity
var tokens = 0
for _ in 0..<rounds {
    let start = Date()
    tokens = 0
    for piece in pieces { tokens += tokenizer.encode(piece).count }
    best = min(best, Date().timeIntervalSince(start))
}
let megabytes = Double(corpus.utf8.count) / 1e6
print(#"{"mb_per_s": \#(megabytes / best), "tokens": \#(tokens), "load_s": \#(loadSeconds), "vocab_rss_bytes": \#(vocabularyBytes)}"#)
