import CLLHTTP

/// Reads a worker's answers with llhttp in response mode, one answer per
/// request: 1xx interim answers are skipped, an answer to HEAD has no body,
/// and one with neither a length nor chunks ends with the connection
/// (`finish()`). The head and each piece of the body go to the closures
/// given at creation; either returns false to stop parsing.
///
/// The llhttp state lives on the heap (llhttp keeps pointers into it and to
/// the settings, which are shared and never freed).
final class ResponseParser {
    enum Outcome: Equatable {
        /// Every byte was taken; the answer goes on.
        case needsMore
        /// The answer is complete, and `leftover` bytes followed it.
        case complete(leftover: Int)
        case failed(String)
    }

    typealias HeadHandler = (_ status: Int, _ headers: consuming HTTPHeaders) -> Bool
    typealias BodyHandler = (UnsafeRawBufferPointer) -> Bool

    /// A worker's response head beyond this is refused.
    static let maxHeadBytes = 256 * 1024

    private let parser: UnsafeMutablePointer<llhttp_t>
    private let onHead: HeadHandler
    private let onBody: BodyHandler
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    /// The answer's fields, copied out of each read as they arrive (the
    /// next read reuses the memory).
    @exclusivity(unchecked) private var assembly = HTTPHeadersAssembly()
    @exclusivity(unchecked) private var headBytes = 0
    @exclusivity(unchecked) private var expectsBody = true
    @exclusivity(unchecked) private var isComplete = false
    @exclusivity(unchecked) private var failure: String?
    /// Whether any byte of the current answer arrived.
    @exclusivity(unchecked) private(set) var hasInput = false
    /// Whether the connection may carry another request after the answer.
    @exclusivity(unchecked) private(set) var keepsAlive = false

    init(onHead: @escaping HeadHandler, onBody: @escaping BodyHandler) {
        self.onHead = onHead
        self.onBody = onBody
        parser = .allocate(capacity: 1)
        llhttp_init(parser, HTTP_RESPONSE, ResponseParser.settings)
        parser.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit { parser.deallocate() }

    /// Prepares for the answer to the next request; `expectsBody` is false
    /// for HEAD.
    func begin(expectsBody: Bool) {
        self.expectsBody = expectsBody
        isComplete = false
        failure = nil
        hasInput = false
    }

    func parse(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) else { return .needsMore }
        hasInput = true
        let status = llhttp_execute(parser, base, bytes.count)
        switch status {
        case HPE_OK:
            return .needsMore
        case HPE_PAUSED:
            // Paused at the end of an answer.
            llhttp_resume(parser)
            return .complete(leftover: bytes.count - base.distance(to: llhttp_get_error_pos(parser)!))
        case HPE_PAUSED_UPGRADE:
            return .failed("the worker switched protocols")
        default:
            return .failed(failure ?? String(cString: llhttp_get_error_reason(parser)))
        }
    }

    /// The worker closed the connection: that ends an answer without a
    /// length, and fails any other unfinished one.
    func finish() -> Outcome {
        guard hasInput else { return .failed("the worker closed the connection without answering") }
        llhttp_finish(parser)
        if isComplete { return .complete(leftover: 0) }
        return .failed(failure ?? "the worker closed the connection before its answer was complete")
    }

    // MARK: llhttp callbacks

    fileprivate func messageBegin() {
        _ = assembly.take()
        headBytes = 0
    }

    private func countHeadBytes(_ count: Int) -> Bool {
        headBytes += count
        guard headBytes <= Self.maxHeadBytes else {
            failure = "the worker's response head is larger than \(Self.maxHeadBytes) bytes"
            return false
        }
        return true
    }

    fileprivate func fieldPiece(_ bytes: UnsafeRawBufferPointer) -> Bool {
        assembly.namePiece(bytes)
        return countHeadBytes(bytes.count)
    }

    fileprivate func valuePiece(_ bytes: UnsafeRawBufferPointer) -> Bool {
        assembly.valuePiece(bytes)
        return countHeadBytes(bytes.count)
    }

    /// A field's value ended: the pair is complete.
    fileprivate func valueComplete() { assembly.endField() }

    /// 0 reads the body; 1 tells llhttp there is none (HEAD, 1xx); -1 stops.
    fileprivate func headersComplete() -> Int32 {
        let status = Int(parser.pointee.status_code)
        // An interim answer: its message ends here, the real one follows.
        if status < 200 { return status == 101 ? 0 : 1 }
        guard onHead(status, assembly.take()) else { return -1 }
        return expectsBody ? 0 : 1
    }

    fileprivate func body(_ bytes: UnsafeRawBufferPointer) -> Bool { onBody(bytes) }

    fileprivate func messageComplete() -> Int32 {
        guard parser.pointee.status_code >= 200 else { return 0 }
        isComplete = true
        keepsAlive = llhttp_should_keep_alive(parser) != 0
        return Int32(HPE_PAUSED.rawValue)
    }

    // MARK: shared settings

    /// Calls `body` on the parser llhttp is running for: it is alive while
    /// llhttp runs (`parse` holds it), so the call takes no reference of its
    /// own (a retain and release per callback, a dozen per message).
    private static func withOwner<Result>(
        _ parser: UnsafeMutablePointer<llhttp_t>?, _ body: (ResponseParser) -> Result
    ) -> Result {
        Unmanaged<ResponseParser>.fromOpaque(parser!.pointee.data)._withUnsafeGuaranteedRef(body)
    }

    private static func span(_ at: UnsafePointer<CChar>?, _ length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: at, count: length)
    }

    /// -1 makes llhttp stop with HPE_USER.
    private static func verdict(_ ok: Bool) -> Int32 { ok ? 0 : -1 }

    nonisolated(unsafe) static let settings: UnsafeMutablePointer<llhttp_settings_t> = {
        let settings = UnsafeMutablePointer<llhttp_settings_t>.allocate(capacity: 1)
        llhttp_settings_init(settings)
        settings.pointee.on_message_begin = {
            withOwner($0) { $0.messageBegin() }; return 0
        }
        settings.pointee.on_header_field = { parser, at, length in verdict(withOwner(parser) { $0.fieldPiece(span(at, length)) }) }
        settings.pointee.on_header_value = { parser, at, length in verdict(withOwner(parser) { $0.valuePiece(span(at, length)) }) }
        settings.pointee.on_header_value_complete = {
            withOwner($0) { $0.valueComplete() }; return 0
        }
        settings.pointee.on_headers_complete = { withOwner($0) { $0.headersComplete() } }
        settings.pointee.on_body = { parser, at, length in verdict(withOwner(parser) { $0.body(span(at, length)) }) }
        settings.pointee.on_message_complete = { withOwner($0) { $0.messageComplete() } }
        return settings
    }()
}
