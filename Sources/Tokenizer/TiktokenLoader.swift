import Foundation

/// Reads a tiktoken rank file (`<base64 token> <rank>` per line). Its BPE
/// merges the adjacent pair whose concatenation has the lowest rank, so
/// every split of every token into two tokens is a merge of that rank.
enum TiktokenLoader {
    static func load(file: String, pattern: String, specialTokens: [String: TokenID]) throws -> Tokenizer {
        guard let data = FileManager.default.contents(atPath: file),
            let text = String(data: data, encoding: .utf8)
        else {
            throw TokenizerLoadError("cannot read \(file)")
        }
        var entries: [[UInt8]?] = []
        for (number, line) in text.split(separator: "\n").enumerated() {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let token = Data(base64Encoded: String(fields[0])),
                let rank = Int(fields[1]), rank >= 0, rank < 1 << 31
            else {
                throw TokenizerLoadError("\(file):\(number + 1): not a `<base64> <rank>` line")
            }
            if rank >= entries.count { entries.append(contentsOf: repeatElement(nil, count: rank + 1 - entries.count)) }
            entries[rank] = [UInt8](token)
        }
        let tokens = TokenTable(entries: entries)
        var merges: [(left: TokenID, right: TokenID, rank: UInt32, merged: TokenID)] = []
        for (rank, entry) in entries.enumerated() {
            guard let bytes = entry, bytes.count > 1 else { continue }
            for cut in 1..<bytes.count {
                if let left = tokens.id(of: Array(bytes[..<cut])), let right = tokens.id(of: Array(bytes[cut...])) {
                    merges.append((left, right, UInt32(rank), TokenID(rank)))
                }
            }
        }
        let model = BPEModel(tokens: tokens, merges: PairTable(merges), ignoreMerges: true)
        let added = specialTokens.sorted { $0.value < $1.value }.map {
            AddedToken(
                id: $0.value, content: $0.key, special: true, lstrip: false, rstrip: false,
                singleWord: false, normalized: false)
        }
        return Tokenizer(
            model: model, normalizer: .none,
            preTokenizer: PreTokenizer(steps: [.split(try .forPattern(pattern), .isolated, invert: false)]),
            postProcessor: PostProcessor(), addedTokens: added, bosToken: nil, eosToken: nil)
    }
}

extension Tokenizer {
    /// Loads a model directory holding `tokenizer.json` (and optionally
    /// `tokenizer_config.json`, for BOS/EOS).
    public static func load(directory: String) throws -> Tokenizer {
        try TokenizerJSON.load(directory: directory)
    }

    /// Loads a tiktoken rank file with its split pattern and special tokens.
    public static func load(tiktokenFile: String, pattern: String, specialTokens: [String: TokenID]) throws -> Tokenizer {
        try TiktokenLoader.load(file: tiktokenFile, pattern: pattern, specialTokens: specialTokens)
    }
}
