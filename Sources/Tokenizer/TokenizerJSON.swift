import Foundation
import JSON

/// Reads a model directory (`tokenizer.json`, optional `tokenizer_config.json`)
/// into tokenizer components, refusing anything it would not reproduce exactly.
struct TokenizerJSON {
    static func load(directory: String) throws -> Tokenizer {
        let root = try readObject(directory + "/tokenizer.json", required: true)!
        let config = try readObject(directory + "/tokenizer_config.json", required: false) ?? .object([])

        let addedTokens = try (root["added_tokens"]?.arrayValue ?? []).map(addedToken)
        let (model, vocab) = try bpeModel(root["model"])
        try checkDecoder(root["decoder"])

        func id(of token: JSONValue?) -> TokenID? {
            guard let content = token?.stringValue ?? token?["content"]?.stringValue else { return nil }
            return addedTokens.first { $0.content == content }?.id ?? vocab(content)
        }
        let bos = id(of: config["bos_token"]), eos = id(of: config["eos_token"])
        var postProcessor = try self.postProcessor(root["post_processor"])
        if postProcessor.isEmpty {
            // Without a template, transformers adds BOS/EOS as the config says.
            if config["add_bos_token"]?.boolValue == true, let bos { postProcessor.prefix = [bos] }
            if config["add_eos_token"]?.boolValue == true, let eos { postProcessor.suffix = [eos] }
        }
        return Tokenizer(
            model: model, normalizer: try normalizer(root["normalizer"]),
            preTokenizer: PreTokenizer(steps: try preTokenizerSteps(root["pre_tokenizer"])),
            postProcessor: postProcessor, addedTokens: addedTokens, bosToken: bos, eosToken: eos)
    }

    private static func readObject(_ path: String, required: Bool) throws -> JSONValue? {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required { throw TokenizerLoadError("cannot read \(path)") }
            return nil
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse([UInt8](data))
        } catch {
            throw TokenizerLoadError("\(path) is not valid JSON: \(error)")
        }
        guard value.objectMembers != nil else { throw TokenizerLoadError("\(path) is not a JSON object") }
        return value
    }

    private static func type(_ component: JSONValue) -> String {
        component["type"]?.stringValue ?? "?"
    }

    // MARK: Components

    private static func normalizer(_ value: JSONValue?) throws -> Normalizer {
        guard let component = value, !component.isNull else { return .none }
        switch type(component) {
        case "NFC":
            return .nfc
        case "Sequence":
            let parts = try (component["normalizers"]?.arrayValue ?? []).map(normalizer)
            if parts.allSatisfy({ if case .none = $0 { true } else { false } }) { return .none }
            if parts.count == 1 || parts.allSatisfy({ if case .nfc = $0 { true } else { false } }) { return .nfc }
            throw TokenizerLoadError.unsupported("normalizer sequence", component)
        default:
            throw TokenizerLoadError.unsupported("normalizer", type(component))
        }
    }

    private static func preTokenizerSteps(_ value: JSONValue?) throws -> [PreTokenizerStep] {
        guard let component = value, !component.isNull else { return [] }
        switch type(component) {
        case "Sequence":
            return try (component["pretokenizers"]?.arrayValue ?? []).flatMap(preTokenizerSteps)
        case "ByteLevel":
            var steps: [PreTokenizerStep] = []
            if component["add_prefix_space"]?.boolValue == true { steps.append(.prefixSpace) }
            if component["use_regex"]?.boolValue ?? true {
                steps.append(.split(.native(NativeSplitScanner(.gpt2)), .isolated, invert: false))
            }
            return steps
        case "Split":
            let pattern = component["pattern"]
            let matcher: SplitMatcher
            if let regex = pattern?["Regex"]?.stringValue {
                matcher = try .forPattern(regex)
            } else if let literal = pattern?["String"]?.stringValue {
                matcher = .regex(try RegexSplitter(literal: literal))
            } else {
                throw TokenizerLoadError.unsupported("Split pattern", component["pattern"])
            }
            let name = component["behavior"]?.stringValue ?? ""
            guard let behavior = SplitBehavior(rawValue: name) else {
                throw TokenizerLoadError.unsupported("Split behavior", name)
            }
            return [.split(matcher, behavior, invert: component["invert"]?.boolValue ?? false)]
        case "Digits":
            let individually = component["individual_digits"]?.boolValue ?? false
            return [.split(.digits(individually: individually), .isolated, invert: false)]
        default:
            throw TokenizerLoadError.unsupported("pre-tokenizer", type(component))
        }
    }

    private static func bpeModel(_ value: JSONValue?) throws -> (BPEModel, (String) -> TokenID?) {
        guard let component = value, component.objectMembers != nil else {
            throw TokenizerLoadError("tokenizer.json has no model")
        }
        guard (component["type"]?.stringValue ?? "BPE") == "BPE" else {
            throw TokenizerLoadError.unsupported("model", type(component))
        }
        if component["byte_fallback"]?.boolValue == true {
            throw TokenizerLoadError.unsupported("BPE byte_fallback", true)
        }
        if let dropout = component["dropout"]?.doubleValue, dropout > 0 {
            throw TokenizerLoadError.unsupported("BPE dropout", dropout)
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let affix = component[key]?.stringValue, !affix.isEmpty {
                throw TokenizerLoadError.unsupported("BPE \(key)", affix)
            }
        }
        guard let rawVocab = component["vocab"]?.objectMembers else { throw TokenizerLoadError("BPE model has no vocab") }
        var entries: [[UInt8]?] = []
        var spelled: [Bool] = []  // spelled in the byte-level alphabet, so BPE can produce it
        var unspelled: [String: TokenID] = [:]
        for (token, rawId) in rawVocab {
            guard let id = rawId.intValue, id >= 0, id <= Tokenizer.maxTokenID else {
                throw TokenizerLoadError("bad id for vocabulary token \(token)")
            }
            if id >= entries.count {
                entries.append(contentsOf: repeatElement(nil, count: id + 1 - entries.count))
                spelled.append(contentsOf: repeatElement(false, count: id + 1 - spelled.count))
            }
            let bytes = ByteLevelAlphabet.bytes(ofToken: token)
            entries[id] = bytes ?? Array(token.utf8)
            spelled[id] = bytes != nil
            if bytes == nil { unspelled[token] = TokenID(id) }
        }
        let tokens = TokenTable(entries: entries, indexed: { spelled[$0] })
        // Looked up by bytes: hashing 150K Strings (normalizing each) is slow.
        let vocab = { (token: String) -> TokenID? in
            ByteLevelAlphabet.bytes(ofToken: token).flatMap { tokens.id(of: $0) } ?? unspelled[token]
        }

        var merges: [(left: TokenID, right: TokenID, rank: UInt32, merged: TokenID)] = []
        let rawMerges = component["merges"]?.arrayValue ?? []
        merges.reserveCapacity(rawMerges.count)
        for (rank, rawMerge) in rawMerges.enumerated() {
            let parts: [Substring]
            if let line = rawMerge.stringValue {
                parts = line.split(separator: " ", omittingEmptySubsequences: false)
            } else {
                parts = rawMerge.arrayValue?.compactMap { $0.stringValue.map { Substring($0) } } ?? []
            }
            guard parts.count == 2, let left = vocab(String(parts[0])), let right = vocab(String(parts[1])),
                let merged = tokens.concatenation(left, right) ?? vocab(String(parts[0] + parts[1]))
            else {
                throw TokenizerLoadError("bad merge #\(rank): \(rawMerge)")
            }
            merges.append((left, right, UInt32(rank), merged))
        }
        let model = BPEModel(
            tokens: tokens, merges: PairTable(merges),
            ignoreMerges: component["ignore_merges"]?.boolValue ?? false)
        return (model, vocab)
    }

    private static func addedToken(_ object: JSONValue) throws -> AddedToken {
        guard let id = object["id"]?.intValue, id >= 0, id <= Tokenizer.maxTokenID,
            let content = object["content"]?.stringValue
        else {
            throw TokenizerLoadError("bad added token \(object)")
        }
        let special = object["special"]?.boolValue ?? false
        return AddedToken(
            id: TokenID(id), content: content, special: special,
            lstrip: object["lstrip"]?.boolValue ?? false, rstrip: object["rstrip"]?.boolValue ?? false,
            singleWord: object["single_word"]?.boolValue ?? false,
            normalized: object["normalized"]?.boolValue ?? !special)
    }

    private static func postProcessor(_ value: JSONValue?) throws -> PostProcessor {
        guard let component = value, !component.isNull else { return PostProcessor() }
        switch type(component) {
        case "ByteLevel":
            return PostProcessor()  // only adjusts offsets
        case "Sequence":
            return try (component["processors"]?.arrayValue ?? []).reduce(PostProcessor()) {
                try postProcessor($1).wrapping($0)
            }
        case "TemplateProcessing":
            return try template(component)
        default:
            throw TokenizerLoadError.unsupported("post-processor", type(component))
        }
    }

    /// The `single` template: special tokens before and after `$A`.
    private static func template(_ component: JSONValue) throws -> PostProcessor {
        let specials = component["special_tokens"]
        var result = PostProcessor()
        var seenSequence = false
        for item in component["single"]?.arrayValue ?? [] {
            if item["Sequence"] != nil {
                seenSequence = true
            } else if let name = item["SpecialToken"]?["id"]?.stringValue, let ids = specials?[name]?["ids"]?.arrayValue {
                let tokenIds = ids.compactMap(\.intValue).map { TokenID($0) }
                if seenSequence { result.suffix += tokenIds } else { result.prefix += tokenIds }
            } else {
                throw TokenizerLoadError.unsupported("TemplateProcessing item", item)
            }
        }
        return result
    }

    private static func checkDecoder(_ value: JSONValue?) throws {
        let name = value.flatMap { $0.isNull ? nil : type($0) }
        guard name == "ByteLevel" else { throw TokenizerLoadError.unsupported("decoder", name) }
    }
}
