/// How the fake worker turns text into ids and back, and which ids it
/// generates from.
protocol TokenCodec {
    /// A prompt's ids, as the worker tokenizes it (a BOS where the tokenizer adds one).
    func encode(_ text: String) -> [Int]
    /// Ids for text inside a generation: no BOS.
    func encodePlain(_ text: String) -> [Int]
    /// Decodes as SGLang does by default: special tokens are skipped.
    func decode(_ ids: [Int]) -> String
    /// Ids generation draws from.
    var generationAlphabet: [Int] { get }
    var endOfSequence: Int { get }
    var tokenizerPath: String { get }
}

/// Without a tokenizer: one id per UTF-8 byte (id = byte + 1), 0 is EOS.
struct ByteCodec: TokenCodec {
    func encode(_ text: String) -> [Int] { text.utf8.map { Int($0) + 1 } }
    func encodePlain(_ text: String) -> [Int] { encode(text) }

    func decode(_ ids: [Int]) -> String {
        String(decoding: ids.compactMap { (1...256).contains($0) ? UInt8($0 - 1) : nil }, as: UTF8.self)
    }

    var generationAlphabet: [Int] { encode(" abcdefghijklmnopqrstuvwxyz") }
    var endOfSequence: Int { 0 }
    var tokenizerPath: String { "" }
}
