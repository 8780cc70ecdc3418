import Foundation

/// Reads a model directory (`tokenizer.json`, optional `tokenizer_config.json`)
/// into tokenizer components, refusing anything it would not reproduce exactly.
struct TokenizerJSON {
    typealias Object = [String: Any]

    static func load(directory: String) throws -> Tokenizer {
        let root = try readObject(directory + "/tokenizer.json", required: true)!
        let config = try readObject(directory + "/tokenizer_config.json", required: false) ?? [:]

        let addedTokens = try (root["added_tokens"] as? [Object] ?? []).map(addedToken)
        let (model, vocab) = try bpeModel(root["model"])
        try checkDecoder(root["decoder"])

        func id(of token: Any?) -> TokenID? {
            let content = (token as? String) ?? ((token as? Object)?["content"] as? String)
            guard let content else { return nil }
            return addedTokens.first { $0.content == content }?.id ?? vocab[content]
        }
        let bos = id(of: config["bos_token"]), eos = id(of: config["eos_token"])
        var postProcessor = try self.postProcessor(root["post_processor"])
        if postProcessor.isEmpty {
            // Without a template, transformers adds BOS/EOS as the config says.
            if config["add_bos_token"] as? Bool == true, let bos { postProcessor.prefix = [bos] }
            if config["add_eos_token"] as? Bool == true, let eos { postProcessor.suffix = [eos] }
        }
        return Tokenizer(model: model, normalizer: try normalizer(root["normalizer"]),
                         preTokenizer: PreTokenizer(steps: try preTokenizerSteps(root["pre_tokenizer"])),
                         postProcessor: postProcessor, addedTokens: addedTokens, bosToken: bos, eosToken: eos)
    }

    private static func readObject(_ path: String, required: Bool) throws -> Object? {
        guard let data = FileManager.default.contents(atPath: path) else {
            if required { throw TokenizerLoadError("cannot read \(path)") }
            return nil
        }
        do {
            guard let object = try JSONSerialization.jsonObject(with: data) as? Object else {
                throw TokenizerLoadError("\(path) is not a JSON object")
            }
            return object
        } catch let error as TokenizerLoadError {
            throw error
        } catch {
            throw TokenizerLoadError("\(path) is not valid JSON: \(error)")
        }
    }

    private static func type(_ component: Object) -> String {
        component["type"] as? String ?? "?"
    }

    // MARK: Components

    private static func normalizer(_ value: Any?) throws -> Normalizer {
        guard let component = value as? Object else { return .none }
        switch type(component) {
        case "NFC":
            return .nfc
        case "Sequence":
            let parts = try (component["normalizers"] as? [Any] ?? []).map(normalizer)
            if parts.allSatisfy({ if case .none = $0 { true } else { false } }) { return .none }
            if parts.count == 1 || parts.allSatisfy({ if case .nfc = $0 { true } else { false } }) { return .nfc }
            throw TokenizerLoadError.unsupported("normalizer sequence", component)
        default:
            throw TokenizerLoadError.unsupported("normalizer", type(component))
        }
    }

    private static func preTokenizerSteps(_ value: Any?) throws -> [PreTokenizerStep] {
        guard let component = value as? Object else { return [] }
        switch type(component) {
        case "Sequence":
            return try (component["pretokenizers"] as? [Any] ?? []).flatMap(preTokenizerSteps)
        case "ByteLevel":
            var steps: [PreTokenizerStep] = []
            if component["add_prefix_space"] as? Bool == true { steps.append(.prefixSpace) }
            if component["use_regex"] as? Bool ?? true {
                steps.append(.split(.native(NativeSplitScanner(.gpt2)), .isolated, invert: false))
            }
            return steps
        case "Split":
            let pattern = component["pattern"] as? Object
            let matcher: SplitMatcher
            if let regex = pattern?["Regex"] as? String {
                matcher = try .forPattern(regex)
            } else if let literal = pattern?["String"] as? String {
                matcher = .regex(try RegexSplitter(literal: literal))
            } else {
                throw TokenizerLoadError.unsupported("Split pattern", component["pattern"])
            }
            let name = component["behavior"] as? String ?? ""
            guard let behavior = SplitBehavior(rawValue: name) else {
                throw TokenizerLoadError.unsupported("Split behavior", name)
            }
            return [.split(matcher, behavior, invert: component["invert"] as? Bool ?? false)]
        case "Digits":
            let individually = component["individual_digits"] as? Bool ?? false
            return [.split(.digits(individually: individually), .isolated, invert: false)]
        default:
            throw TokenizerLoadError.unsupported("pre-tokenizer", type(component))
        }
    }

    private static func bpeModel(_ value: Any?) throws -> (BPEModel, [String: TokenID]) {
        guard let component = value as? Object else { throw TokenizerLoadError("tokenizer.json has no model") }
        guard (component["type"] as? String ?? "BPE") == "BPE" else {
            throw TokenizerLoadError.unsupported("model", type(component))
        }
        if component["byte_fallback"] as? Bool == true {
            throw TokenizerLoadError.unsupported("BPE byte_fallback", true)
        }
        if let dropout = component["dropout"] as? Double, dropout > 0 {
            throw TokenizerLoadError.unsupported("BPE dropout", dropout)
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let affix = component[key] as? String, !affix.isEmpty {
                throw TokenizerLoadError.unsupported("BPE \(key)", affix)
            }
        }
        guard let rawVocab = component["vocab"] as? Object else { throw TokenizerLoadError("BPE model has no vocab") }
        var vocab: [String: TokenID] = [:]
        vocab.reserveCapacity(rawVocab.count)
        var entries: [[UInt8]?] = []
        var spelled: [Bool] = []  // spelled in the byte-level alphabet, so BPE can produce it
        for (token, rawId) in rawVocab {
            guard let id = (rawId as? NSNumber)?.intValue, id >= 0, id < 1 << 31 else {
                throw TokenizerLoadError("bad id for vocabulary token \(token)")
            }
            vocab[token] = TokenID(id)
            if id >= entries.count {
                entries.append(contentsOf: repeatElement(nil, count: id + 1 - entries.count))
                spelled.append(contentsOf: repeatElement(false, count: id + 1 - spelled.count))
            }
            let bytes = ByteLevelAlphabet.bytes(ofToken: token)
            entries[id] = bytes ?? Array(token.utf8)
            spelled[id] = bytes != nil
        }
        let tokens = TokenTable(entries: entries, indexed: { spelled[$0] })

        var merges: [(left: TokenID, right: TokenID, rank: UInt32, merged: TokenID)] = []
        let rawMerges = component["merges"] as? [Any] ?? []
        merges.reserveCapacity(rawMerges.count)
        for (rank, rawMerge) in rawMerges.enumerated() {
            let parts: [String]
            if let line = rawMerge as? String {
                parts = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            } else {
                parts = rawMerge as? [String] ?? []
            }
            guard parts.count == 2, let left = vocab[parts[0]], let right = vocab[parts[1]],
                  let merged = vocab[parts[0] + parts[1]] else {
                throw TokenizerLoadError("bad merge #\(rank): \(rawMerge)")
            }
            merges.append((left, right, UInt32(rank), merged))
        }
        let model = BPEModel(tokens: tokens, merges: PairTable(merges),
                             ignoreMerges: component["ignore_merges"] as? Bool ?? false)
        return (model, vocab)
    }

    private static func addedToken(_ object: Object) throws -> AddedToken {
        guard let id = (object["id"] as? NSNumber)?.intValue, let content = object["content"] as? String else {
            throw TokenizerLoadError("bad added token \(object)")
        }
        return AddedToken(id: TokenID(id), content: content, special: object["special"] as? Bool ?? false,
                          lstrip: object["lstrip"] as? Bool ?? false, rstrip: object["rstrip"] as? Bool ?? false,
                          singleWord: object["single_word"] as? Bool ?? false,
                          normalized: object["normalized"] as? Bool ?? !(object["special"] as? Bool ?? false))
    }

    private static func postProcessor(_ value: Any?) throws -> PostProcessor {
        guard let component = value as? Object else { return PostProcessor() }
        switch type(component) {
        case "ByteLevel":
            return PostProcessor()  // only adjusts offsets
        case "Sequence":
            return try (component["processors"] as? [Any] ?? []).reduce(PostProcessor()) {
                try postProcessor($1).wrapping($0)
            }
        case "TemplateProcessing":
            return try template(component)
        default:
            throw TokenizerLoadError.unsupported("post-processor", type(component))
        }
    }

    /// The `single` template: special tokens before and after `$A`.
    private static func template(_ component: Object) throws -> PostProcessor {
        let specials = component["special_tokens"] as? Object ?? [:]
        var result = PostProcessor()
        var seenSequence = false
        for item in component["single"] as? [Object] ?? [] {
            if item["Sequence"] != nil {
                seenSequence = true
            } else if let special = item["SpecialToken"] as? Object, let name = special["id"] as? String,
                      let ids = (specials[name] as? Object)?["ids"] as? [NSNumber] {
                let tokenIds = ids.map { TokenID($0.uint32Value) }
                if seenSequence { result.suffix += tokenIds } else { result.prefix += tokenIds }
            } else {
                throw TokenizerLoadError.unsupported("TemplateProcessing item", item)
            }
        }
        return result
    }

    private static func checkDecoder(_ value: Any?) throws {
        let name = (value as? Object).map(type)
        guard name == "ByteLevel" else { throw TokenizerLoadError.unsupported("decoder", name) }
    }
}
