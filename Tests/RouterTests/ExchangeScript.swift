import HTTPServer
import WorkerClient
@testable import Router

/// A worker as the exchange's state machine sees it: an identity and a name.
final class ScriptedWorker {
    let name: String
    init(_ name: String) { self.name = name }
}

/// Drives an `ExchangeStateMachine` through scripted events, in process,
/// with no sockets, loop or timers, in the spirit of swift-nio's
/// `EmbeddedChannel`: each step feeds one event and returns the action it
/// led to, written out so that a test reads as the exchange's story.
///
/// Choosing a worker is resolved here as the pool would, deterministically:
/// the preferred worker when it may be taken, else the first registered
/// worker not excluded. Which worker a policy picks is not what these tests
/// are about; which ones it may pick from is, and `selections` records it.
struct ExchangeScript {
    typealias Machine = ExchangeStateMachine<ScriptedWorker>
    let workers: [ScriptedWorker]
    var machine: Machine
    /// The middleware's preferred worker (cache-aware routing), by name.
    var preferred: String?
    /// Workers the pool would not pick now (unhealthy, circuit open), by name.
    var unavailable: Set<String> = []
    /// Each worker choice, as the names it had to skip ("A,B" or "none").
    private(set) var selections: [String] = []
    /// The answer at hand: the last one that arrived, fed back by `judged`.
    private var answerAtHand: ProxiedResponse?

    /// Backoffs without jitter unless `retry` says otherwise; `jitterDraws`
    /// are the jitter's random draws, in turn (0, none, once they run out).
    init(
        workers: [String] = ["A", "B", "C"], maxAttempts: Int = 5, backoffMilliseconds: UInt64 = 1_000,
        retry: RetryPolicy? = nil, jitterDraws: [Double] = [], waitsForWorkers: Bool = false
    ) {
        self.workers = workers.map(ScriptedWorker.init)
        var policy = retry ?? RetryPolicy()
        if retry == nil {
            policy.initialBackoffMilliseconds = backoffMilliseconds
            policy.jitter = 0
        }
        policy.maxAttempts = maxAttempts
        var draws = jitterDraws[...]
        machine = Machine(retry: policy, waitsForWorkers: waitsForWorkers, jitterDraw: { draws.popFirst() ?? 0 })
    }

    // MARK: events

    mutating func forward(
        _ method: String = "POST", _ path: Substring = "/generate", wholeAnswer: Bool = false,
        streams: Bool? = false
    ) -> String {
        var forwarding = Forwarding()
        forwarding.needsWholeResponse = wholeAnswer
        forwarding.streams = streams
        return step { $0.requestForwarded(ExchangeRequest(method: method, path: path, forwarding: forwarding)) }
    }

    mutating func middlewareAnswered() -> String { step { $0.middlewareAnswered() } }
    mutating func streamFlagRead(_ streams: Bool) -> String { step { $0.streamFlagRead(streams) } }
    mutating func head() -> String { step { $0.headArrived() } }
    mutating func relayCompleted() -> String { step { $0.relayCompleted() } }
    mutating func streamEndSeen() -> String { step { $0.streamEndSeen() } }
    mutating func failed(_ error: UpstreamError) -> String { step { $0.transferFailed(error) } }
    mutating func backoffElapsed() -> String { step { $0.backoffElapsed() } }
    mutating func delivered() -> String { step { $0.answerDelivered() } }
    mutating func clientGone() -> String { step { $0.clientGone() } }
    mutating func queueFull() -> String { step { $0.queueFull() } }
    mutating func waitTimedOut() -> String { step { $0.waitTimedOut() } }

    /// The worker named `name` can take the waiting request.
    mutating func waitEnded(at name: String) -> String {
        let worker = workers.first { $0.name == name }!
        return step { $0.waitEnded(worker) }
    }

    /// A buffered attempt's whole answer.
    mutating func answer(_ status: Int, _ body: String = "") -> String {
        let response = ProxiedResponse(status: status, headers: [:], body: Array(body.utf8))
        answerAtHand = response
        return step { $0.answerArrived(response) }
    }

    /// The answer under judgement was read: aborted or not.
    mutating func judged(aborted: Bool, askedFor: Bool = false) -> String {
        let response = answerAtHand ?? ProxiedResponse(status: 200, headers: [:], body: [])
        return step { $0.answerJudged(response, aborted: aborted, askedFor: askedFor) }
    }

    // MARK: running

    /// Feeds one event; worker choices it leads to are made at once, as
    /// the driver does, and the first other action is returned.
    private mutating func step(_ event: (inout Machine) -> Machine.Action) -> String {
        var action = event(&machine)
        while case .selectWorker(let excluded, let preferring) = action {
            let skipped = workers.filter { excluded.contains(ObjectIdentifier($0)) }.map(\.name)
            selections.append(skipped.isEmpty ? "none" : skipped.joined(separator: ","))
            let candidates = workers.filter { !excluded.contains(ObjectIdentifier($0)) && !unavailable.contains($0.name) }
            let chosen = candidates.first { preferring && $0.name == preferred } ?? candidates.first
            action = machine.workerSelected(chosen)
        }
        return describe(action)
    }

    private func describe(_ action: Machine.Action) -> String {
        switch action {
        case .none: "none"
        case .readStreamFlag: "read stream flag"
        case .selectWorker: "select"
        case .startAttempt(let worker, let mode, let retrying):
            "start \(worker.name) \(mode)" + (retrying.map { " after \($0.metricLabel)" } ?? "")
        case .relayHead: "relay head"
        case .judge: "judge \(answerAtHand?.status ?? 0)"
        case .scheduleBackoff(let milliseconds): "backoff \(milliseconds) ms"
        case .deliverAnswer: "deliver " + Self.describe(answerAtHand)
        case .deliverLastAnswer(let response): "deliver " + Self.describe(response)
        case .sendAnswer(let outcome): "send \(outcome.rawValue)"
        case .endStream: "end stream"
        case .finishStream: "finish stream"
        case .abortStream: "abort stream"
        case .fail(let status, let message): "fail \(status) \(message)"
        case .wait: "wait"
        case .shed(.localResources(let detail)): "shed \(detail)"
        case .shed(let reason): "shed \(reason.status) \(reason.metricLabel)"
        case .abandon(let endsStream): endsStream ? "abandon stream" : "abandon"
        }
    }

    private static func describe(_ response: ProxiedResponse?) -> String {
        guard let response else { return "nothing" }
        return "\(response.status) \(String(decoding: response.body, as: UTF8.self))"
    }
}
