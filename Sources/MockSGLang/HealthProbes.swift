import HTTPServer

/// `GET /health`. Answered at once by default (200, or 503 with
/// `fail_health`). When held, each probe waits for the test to script its
/// answer, so a test can step a prober through failures and successes one
/// probe at a time, or leave a probe unanswered to make it time out.
final class HealthProbes {
    /// Probes received so far, answered or not.
    private(set) var received = 0
    private(set) var isHeld = false
    /// Statuses for the next held probes, oldest first.
    private var scripted: [Int] = []
    /// Held probes with no scripted answer yet, oldest first.
    private var waiting: [HTTPResponder] = []

    var waitingCount: Int { waiting.count }

    func probe(_ responder: HTTPResponder, failing: Bool) {
        received += 1
        guard isHeld else { return responder.send(Self.response(failing ? 503 : 200)) }
        waiting.append(responder)
        // A prober that gave up (timed out) is no longer waiting.
        responder.onClientGone = { [unowned self, unowned responder] in waiting.removeAll { $0 === responder } }
        answerWaiting()
    }

    /// Holds the probes to come, or answers them at once again (the ones
    /// waiting too).
    func hold(_ held: Bool, failing: Bool) {
        isHeld = held
        guard !held else { return }
        for responder in waiting { responder.send(Self.response(failing ? 503 : 200)) }
        waiting = []
    }

    /// Queues answers for the next held probes.
    func script(_ statuses: [Int]) {
        scripted += statuses
        answerWaiting()
    }

    private func answerWaiting() {
        while !waiting.isEmpty, !scripted.isEmpty {
            waiting.removeFirst().send(Self.response(scripted.removeFirst()))
        }
    }

    private static func response(_ status: Int) -> HTTPResponse {
        (200..<300).contains(status) ? HTTPResponse(status: status) : .error(status, "unhealthy")
    }
}
