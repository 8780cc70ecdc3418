/// What `/retrieve_from_text` answered.
public struct RetrievedTrajectory {
    public var tokens: [Int]
    public var response: String
    public var lossMask: [Int]
    public var tokenLength: Int
    public var lossMaskLength: Int
    public var rolloutLogp: [Double]
    public var weightVersions: [String?]
    public var cachedTokens: Int
    public var cacheHit: Bool
    /// Nothing was tokenized afresh; `retokenizedTokens` counts what was.
    public var exact: Bool
    public var retokenizedTokens: Int
    /// The generation whose tokens end the trajectory.
    public var rid: String?

    public init(_ object: [String: Any]) throws {
        guard let tokens = ints(object["tokens"]), let response = object["response"] as? String,
            let mask = ints(object["loss_mask"]), let tokenLength = number(object["token_length"]),
            let maskLength = number(object["loss_mask_length"]), let logp = doubles(object["rollout_logp"]),
            let versions = object["weight_versions"] as? [Any], let cached = number(object["cached_tokens"]),
            let hit = object["cache_hit"] as? Bool, let exact = object["exact"] as? Bool,
            let retokenized = number(object["retokenized_tokens"])
        else {
            throw FixtureError("unexpected /retrieve_from_text shape: \(object)")
        }
        self.tokens = tokens
        self.response = response
        lossMask = mask
        self.tokenLength = Int(tokenLength)
        lossMaskLength = Int(maskLength)
        rolloutLogp = logp
        weightVersions = versions.map { $0 as? String }
        cachedTokens = Int(cached)
        cacheHit = hit
        self.exact = exact
        retokenizedTokens = Int(retokenized)
        rid = object["rid"] as? String
    }
}
