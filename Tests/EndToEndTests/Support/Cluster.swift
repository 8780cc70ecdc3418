import Foundation
import Testing
import TestSupport
import Tokenizer

/// Fake workers, a router with the radix-tree middleware in front of them,
/// and the tokenizer the tests compute expectations with.
///
/// `@unchecked Sendable`: its members are set once; the processes are only
/// talked to over sockets.
final class Cluster: @unchecked Sendable {
    let workers: [MockWorkerProcess]
    let router: RouterProcess
    let tokenizer: Tokenizer

    init(workers count: Int = 1, client: WorkerClientKind = .native, _ routerArguments: [String] = []) throws {
        tokenizer = try Fixtures.tokenizer()
        workers = try MockWorkerProcess.withQwen3Tokenizer(count)
        router = try RouterProcess.withRadixTree(workers: workers.map(\.url), client: client, routerArguments)
    }

    /// The worker bodies carrying `rid`, with the index of the worker that got each.
    func workerBodies(rid: String) throws -> [(worker: Int, body: [String: Any])] {
        var found: [(worker: Int, body: [String: Any])] = []
        for (index, worker) in workers.enumerated() {
            found += try worker.requests(rid: rid).map { (index, $0) }
        }
        return found
    }

    /// Sends the conversation's next user turn through the router (text
    /// only: the whole conversation so far) and reads what the worker got
    /// and answered. Does not change `conversation`; see `absorb`.
    func send(
        _ conversation: Conversation, user: String, rid: String, maxNewTokens: Int = 16,
        samplingParams: String? = nil, extraMembers: String = ""
    ) throws -> Turn {
        let prompt = conversation.nextPrompt(user: user)
        let sampling = samplingParams ?? "{\"max_new_tokens\": \(maxNewTokens)}"
        var body = "{\"text\": \(jsonString(prompt)), \"rid\": \"\(rid)\", \"sampling_params\": \(sampling)"
        if !extraMembers.isEmpty { body += ", " + extraMembers }
        body += "}"
        let response = try router.post("/generate", raw: body)
        guard response.status == 200 else {
            throw FixtureError("/generate (\(rid)) answered \(response.status): \(response.text.prefix(500))")
        }
        let answer = try jsonObject(response)
        let bodies = try workerBodies(rid: rid)
        guard let last = bodies.last else { throw FixtureError("no worker received \(rid)") }
        return try Turn(
            prompt: prompt, rid: rid, answer: answer, workerBody: last.body, worker: last.worker,
            workerRequestCount: bodies.count)
    }

    /// `send`, the checks every text turn must pass, then `absorb`.
    @discardableResult
    func turn(
        _ conversation: Conversation, user: String, rid: String, maxNewTokens: Int = 16,
        samplingParams: String? = nil, extraMembers: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Turn {
        let turn = try send(
            conversation, user: user, rid: rid, maxNewTokens: maxNewTokens,
            samplingParams: samplingParams, extraMembers: extraMembers)
        check(turn, continuing: conversation, sourceLocation: sourceLocation)
        conversation.absorb(turn)
        return turn
    }

    /// The worker got ids, never text: the conversation's exact ids so far
    /// (cached, generated ones included) plus the fresh tokenization of the
    /// new text; `return_logprob` on. The generated ids are not what
    /// re-tokenizing their text gives.
    func check(_ turn: Turn, continuing conversation: Conversation, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            turn.workerRequestCount == 1, "\(turn.rid) reached workers \(turn.workerRequestCount) times", sourceLocation: sourceLocation)
        #expect(turn.workerBody["text"] == nil, "the worker was sent text: \(turn.workerBody)", sourceLocation: sourceLocation)
        #expect(turn.workerBody["return_logprob"] as? Bool == true, sourceLocation: sourceLocation)
        let expected = conversation.ids + tokenizer.rest(String(turn.prompt.utf8.dropFirst(conversation.text.utf8.count))!)
        #expect(turn.inputIDs == expected, "input_ids of \(turn.rid)", sourceLocation: sourceLocation)
        let generated = turn.outputIDs.last == Conversation.endOfSequence ? Array(turn.outputIDs.dropLast()) : turn.outputIDs
        #expect(!generated.isEmpty, sourceLocation: sourceLocation)
        #expect(
            tokenizer.rest(turn.outputText) != generated,
            "the fake worker must generate ids that re-tokenizing their text does not give", sourceLocation: sourceLocation)
        #expect(turn.logprobs.count == turn.outputIDs.count, sourceLocation: sourceLocation)
    }

    /// `/retrieve_from_text` on the conversation's text returns exactly its
    /// ids, mask 1 on generated tokens only, the worker's log-probabilities
    /// bit for bit (0.0 for prompt tokens), and `version` on every generated token.
    func checkRetrieve(
        _ conversation: Conversation, text: String? = nil, version: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let retrieved = try router.retrieve(text ?? conversation.text)
        expectTrajectory(
            retrieved, ids: conversation.ids, mask: conversation.mask, logp: conversation.logp,
            version: version, sourceLocation: sourceLocation)
    }
}

/// The retrieved trajectory is exactly `ids` with `mask` and `logp`, all
/// cached; generated tokens carry `version`, prompt tokens none.
func expectTrajectory(
    _ retrieved: RetrievedTrajectory, ids: [Int], mask: [Int], logp: [Double], version: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(retrieved.tokens == ids, "tokens", sourceLocation: sourceLocation)
    #expect(retrieved.lossMask == mask, "loss_mask", sourceLocation: sourceLocation)
    #expect(
        retrieved.rolloutLogp.map(\.bitPattern) == logp.map(\.bitPattern),
        "rollout_logp \(retrieved.rolloutLogp) vs \(logp)", sourceLocation: sourceLocation)
    #expect(retrieved.tokenLength == ids.count, sourceLocation: sourceLocation)
    #expect(retrieved.lossMaskLength == ids.count, sourceLocation: sourceLocation)
    #expect(retrieved.cacheHit, sourceLocation: sourceLocation)
    #expect(retrieved.cachedTokens == ids.count, sourceLocation: sourceLocation)
    #expect(retrieved.exact && retrieved.retokenizedTokens == 0, sourceLocation: sourceLocation)
    if let version {
        #expect(
            retrieved.weightVersions == mask.map { $0 == 1 ? version : nil },
            "weight_versions \(retrieved.weightVersions)", sourceLocation: sourceLocation)
    }
}

/// One `/generate` turn as the client and the worker saw it.
struct Turn: @unchecked Sendable {
    let prompt: String
    let rid: String
    let answer: [String: Any]
    let workerBody: [String: Any]
    /// Index in `Cluster.workers` of the worker that got the (last) body.
    let worker: Int
    let workerRequestCount: Int
    let inputIDs: [Int]
    let outputIDs: [Int]
    let outputText: String
    let logprobs: [Double]
    let weightVersion: String?
    let finishReason: String?

    init(
        prompt: String, rid: String, answer: [String: Any], workerBody: [String: Any], worker: Int,
        workerRequestCount: Int
    ) throws {
        self.prompt = prompt
        self.rid = rid
        self.answer = answer
        self.workerBody = workerBody
        self.worker = worker
        self.workerRequestCount = workerRequestCount
        guard let input = ints(workerBody["input_ids"]) else { throw FixtureError("worker body without input_ids: \(workerBody)") }
        inputIDs = input
        (outputIDs, outputText, logprobs, weightVersion, finishReason) = try Self.generation(answer)
    }

    /// Output ids, text, log-probabilities, weight version and finish reason of one answer.
    static func generation(_ answer: [String: Any]) throws
        -> (ids: [Int], text: String, logprobs: [Double], version: String?, finish: String?)
    {
        guard let ids = ints(answer["output_ids"]), let text = answer["text"] as? String,
            let meta = answer["meta_info"] as? [String: Any]
        else {
            throw FixtureError("unexpected /generate answer: \(answer)")
        }
        let entries = meta["output_token_logprobs"] as? [[Any]] ?? []
        let logprobs = entries.compactMap { number($0.first) }
        let finish = (meta["finish_reason"] as? [String: Any])?["type"] as? String
        return (ids, text, logprobs, meta["weight_version"] as? String, finish)
    }
}

/// One conversation as the trainer will want it back: its text and the
/// exact ids, mask and log-probabilities of that text so far.
///
/// `@unchecked Sendable`: each conversation is driven by one thread at a time.
final class Conversation: @unchecked Sendable {
    /// `<|im_end|>` (Qwen3's EOS, what the fake worker's stop token is).
    static let endOfSequence = 151645

    let system: String
    private(set) var text = ""
    private(set) var ids: [Int] = []
    private(set) var mask: [Int] = []
    private(set) var logp: [Double] = []

    init(system: String) { self.system = system }

    /// A copy, to continue the same history in another direction.
    func branch() -> Conversation {
        let copy = Conversation(system: system)
        copy.text = text
        copy.ids = ids
        copy.mask = mask
        copy.logp = logp
        return copy
    }

    /// The whole conversation as the workflow sends it for the next turn.
    func nextPrompt(user: String) -> String {
        if text.isEmpty { return Chat.system(system) + Chat.user(user) }
        // A generated stop token is already spelled at the end of `text`.
        let close = ids.last == Self.endOfSequence ? "\n" : Chat.endOfTurn
        return text + close + Chat.user(user)
    }

    /// Adds a finished turn: the prompt ids the worker saw (fresh ones are
    /// prompt: mask 0, logp 0.0) and what it generated (mask 1, its logp).
    func absorb(_ turn: Turn) {
        let fresh = max(0, turn.inputIDs.count - ids.count)
        ids = turn.inputIDs + turn.outputIDs
        mask += Array(repeating: 0, count: fresh) + Array(repeating: 1, count: turn.outputIDs.count)
        logp += Array(repeating: 0.0, count: fresh) + turn.logprobs
        text = turn.prompt + turn.outputText + (turn.outputIDs.last == Self.endOfSequence ? "<|im_end|>" : "")
    }
}
