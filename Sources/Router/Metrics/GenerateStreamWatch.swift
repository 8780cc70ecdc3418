/// Watches a streamed `/generate` answer as it is relayed, for the
/// latency figures of streams and the worker's weight version:
///
/// - time to first token: from the request's arrival to the first byte of
///   the answer's body relayed to the client (SGLang's first event carries
///   the first token);
/// - time per output token: from that first byte to the stream's end,
///   divided by the tokens after the first (`meta_info.completion_tokens`
///   of the last event); streams of one token have none.
///
/// Fields are read from the events' bytes as they pass (`MetaInfoScan`),
/// with the end of the previous piece kept so a field cut between two
/// pieces is read whole.
final class GenerateStreamWatch {
    private let startedAt: UInt64
    private let metrics: RouterMetrics
    private var firstByteAt: UInt64?
    private var completionTokens: Int?
    private var weightVersion: String?
    private var carry: [UInt8] = []
    /// Longer than a key with its value: a field cut at a piece's end is whole in carry + the next piece's head.
    private static let carryLength = 160

    init(startedAt: UInt64, metrics: RouterMetrics) {
        self.startedAt = startedAt
        self.metrics = metrics
    }

    func observe(_ bytes: UnsafeRawBufferPointer) {
        guard bytes.count > 0 else { return }
        if firstByteAt == nil {
            let now = EventLoopClock.now()
            firstByteAt = now
            metrics.timeToFirstToken.record(Double(now &- startedAt) / 1e9)
        }
        var seam = carry
        seam.append(contentsOf: bytes.prefix(Self.carryLength))
        seam.withUnsafeBytes { read($0) }
        read(bytes)
        if bytes.count >= Self.carryLength {
            carry = Array(bytes.suffix(Self.carryLength))
        } else {
            carry = Array((carry + bytes).suffix(Self.carryLength))
        }
    }

    /// The stream ended normally at `worker`.
    func finished(at worker: Worker?) {
        if let weightVersion { worker?.weightVersion = weightVersion }
        guard let firstByteAt, let completionTokens, completionTokens > 1 else { return }
        let decoding = Double(EventLoopClock.now() &- firstByteAt) / 1e9
        metrics.timePerOutputToken.record(decoding / Double(completionTokens - 1))
    }

    private func read(_ bytes: UnsafeRawBufferPointer) {
        if let tokens = MetaInfoScan.lastValue(of: MetaInfoScan.completionTokensKey, in: bytes).flatMap({ Int($0) }) {
            completionTokens = tokens
        }
        if let version = MetaInfoScan.lastValue(of: MetaInfoScan.weightVersionKey, in: bytes) {
            weightVersion = version
        }
    }
}
