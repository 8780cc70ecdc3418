import Tokenizer

/// With a real tokenizer: prompts are tokenized as SGLang would, and
/// generations are spelled one character per token, so re-tokenizing the
/// generated text gives different ids (merged words): exactly the case the
/// router must not get wrong.
struct TokenizerCodec: TokenCodec {
    let tokenizer: Tokenizer
    let tokenizerPath: String
    let generationAlphabet: [Int]
    let endOfSequence: Int

    init(directory: String) throws {
        let tokenizer = try Tokenizer.load(directory: directory)
        self.tokenizer = tokenizer
        tokenizerPath = directory
        generationAlphabet = " abcdefghijklmnopqrstuvwxyz".map { character in
            let ids = tokenizer.encode(String(character))
            precondition(ids.count == 1, "one token per letter expected")
            return Int(ids[0])
        }
        endOfSequence = Int(tokenizer.eosToken ?? 0)
    }

    func encode(_ text: String) -> [Int] { tokenizer.encode(text, addSpecialTokens: true).map { Int($0) } }
    func encodePlain(_ text: String) -> [Int] { tokenizer.encode(text).map { Int($0) } }

    func decode(_ ids: [Int]) -> String {
        tokenizer.decode(ids.compactMap { UInt32(exactly: $0) }, skipSpecialTokens: true)
    }
}
