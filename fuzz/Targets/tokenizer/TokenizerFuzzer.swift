import Foundation
import FuzzSupport
import Tokenizer

/// The Qwen3 tokenizer on arbitrary bytes: valid UTF-8 round-trips
/// (decoding the ids gives the normalized text back), and any bytes at all,
/// invalid UTF-8 included, give ids inside the vocabulary without crashing.
/// Input: one byte choosing text or raw bytes, then the bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let asText = input.byte() & 1 == 0
    let bytes = input.rest()
    let ids: [TokenID]
    if asText {
        let text = String(decoding: bytes, as: UTF8.self)
        ids = tokenizer.encode(text)
        let decoded = tokenizer.decode(ids)
        require(
            decoded == tokenizer.normalized(text) && Array(decoded.utf8) == Array(tokenizer.normalized(text).utf8),
            "round trip of \(Array(text.utf8)) gave \(Array(decoded.utf8))")
    } else {
        ids = bytes.withUnsafeBufferPointer { tokenizer.encode(utf8: $0) }
    }
    require(ids.allSatisfy { Int($0) < tokenizer.vocabularySize }, "id outside the vocabulary")
    return 0
}

/// Loaded once per process from `$SLIME_FIXTURES_DIR/tokenizers/qwen3`.
private let tokenizer: Tokenizer = {
    guard let root = ProcessInfo.processInfo.environment["SLIME_FIXTURES_DIR"] else {
        fatalError("set SLIME_FIXTURES_DIR (scripts/fuzz.sh does)")
    }
    do { return try Tokenizer.load(directory: root + "/tokenizers/qwen3") } catch {
        fatalError("cannot load the Qwen3 fixture: \(error)")
    }
}()
