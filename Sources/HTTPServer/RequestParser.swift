import CLLHTTP

/// Turns bytes into `HTTPRequest`s with llhttp, enforcing size limits and
/// refusing what proxies in front of the server might read differently
/// (RFC 9112): llhttp is built in strict mode (scripts/build-llhttp.sh) with
/// none of its lenient flags, and the checks it leaves out are made here:
/// obsolete line folding, transfer codings other than `chunked`, CONNECT,
/// and absolute-form targets that name another server.
///
/// The llhttp state lives on the heap (llhttp keeps pointers into it and to
/// the settings, which are shared and never freed).
final class RequestParser {
    enum Outcome {
        /// Every byte was consumed.
        case consumed
        /// A request is complete (`takeRequest()`); bytes from `offset` on
        /// are not parsed yet. Parsing stops after each request so that it is
        /// handled outside llhttp's callbacks.
        case paused(offset: Int)
        case failed(ParseFailure)
    }

    enum ParseFailure: Error {
        case malformed(String)
        case methodNotAllowed(String)
        case headersTooLarge
        case bodyTooLarge
        /// Refused at its head by `onHead`: this answer, the body unread.
        case refused(HTTPResponse)
    }

    struct Limits {
        var maxHeaderBytes: Int
        var maxBodyBytes: Int
    }

    /// What a 405 lists: every method but CONNECT may be served or proxied.
    static let allowedMethods = "GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH, TRACE"

    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    /// Called when a request's head is complete, before its body is read
    /// (e.g. to answer 100-continue). An answer it returns refuses the
    /// request there: parsing fails with `.refused`.
    @exclusivity(unchecked) var onHead: ((HTTPHeaders) -> HTTPResponse?)?
    /// The request completed by the last `.paused` outcome.
    @exclusivity(unchecked) private(set) var completedRequest: HTTPRequest?

    private let parser: UnsafeMutablePointer<llhttp_t>
    private let limits: Limits
    private let authority: ServerAuthority
    @exclusivity(unchecked) private var foldDetector = LineFoldDetector()
    @exclusivity(unchecked) private var url: [UInt8] = []
    /// The target handed on: `url`, or the origin form of an absolute one.
    @exclusivity(unchecked) private var target = ""
    /// The fields while they are read; `headers` once the head is complete.
    @exclusivity(unchecked) private var assembly = HTTPHeadersAssembly()
    @exclusivity(unchecked) private var headers = HTTPHeaders()
    @exclusivity(unchecked) private var headerBytes = 0
    @exclusivity(unchecked) private var body: [UInt8] = []
    @exclusivity(unchecked) private var failure: ParseFailure?
    /// True between the first byte of a request and its end.
    @exclusivity(unchecked) private(set) var isMidRequest = false

    init(limits: Limits, authority: ServerAuthority) {
        self.limits = limits
        self.authority = authority
        parser = .allocate(capacity: 1)
        llhttp_init(parser, HTTP_REQUEST, RequestParser.settings)
        parser.pointee.data = Unmanaged.passUnretained(self).toOpaque()
    }

    deinit { parser.deallocate() }

    func parse(_ bytes: UnsafeRawBufferPointer) -> Outcome {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: CChar.self) else { return .consumed }
        foldDetector.begin(bytes)
        let status = llhttp_execute(parser, base, bytes.count)
        switch status {
        case HPE_OK:
            foldDetector.finish(consumed: bytes.count)
            return .consumed
        case HPE_PAUSED:
            llhttp_resume(parser)
            let offset = base.distance(to: llhttp_get_error_pos(parser)!)
            foldDetector.finish(consumed: offset)
            return .paused(offset: offset)
        case HPE_PAUSED_UPGRADE:
            // Upgrades are not supported (CONNECT is refused before this);
            // the request was served as plain HTTP.
            llhttp_resume_after_upgrade(parser)
            let offset = base.distance(to: llhttp_get_error_pos(parser)!)
            foldDetector.finish(consumed: offset)
            return .paused(offset: offset)
        default:
            if let failure { return .failed(failure) }
            return .failed(.malformed(String(cString: llhttp_get_error_reason(parser))))
        }
    }

    // MARK: llhttp callbacks

    fileprivate func messageBegin() {
        isMidRequest = true
        url.removeAll(keepingCapacity: true)
        _ = assembly.take()
        headers = HTTPHeaders()
        headerBytes = 0
        body = []
    }

    fileprivate func countHeaderBytes(_ count: Int) -> Bool {
        headerBytes += count
        if headerBytes > limits.maxHeaderBytes {
            failure = .headersTooLarge
            return false
        }
        return true
    }

    fileprivate func appendURL(_ bytes: UnsafeRawBufferPointer) -> Bool {
        url.append(contentsOf: bytes)
        return countHeaderBytes(bytes.count)
    }

    fileprivate func appendField(_ bytes: UnsafeRawBufferPointer) -> Bool {
        assembly.namePiece(bytes)
        return countHeaderBytes(bytes.count)
    }

    fileprivate func appendValue(_ bytes: UnsafeRawBufferPointer) -> Bool {
        if let start = bytes.baseAddress, bytes.count > 0, foldDetector.isFold(valueStartingAt: start) {
            failure = .malformed("obsolete line folding in a header field")
            return false
        }
        assembly.valuePiece(bytes)
        return countHeaderBytes(bytes.count)
    }

    fileprivate func endField() { assembly.endField() }

    fileprivate func headersComplete() -> Bool {
        headers = assembly.take()
        if let refusal = refusal() {
            failure = refusal
            return false
        }
        let hasLength = parser.pointee.flags & UInt16(F_CONTENT_LENGTH.rawValue) != 0
        let declared = hasLength ? parser.pointee.content_length : 0
        if declared > UInt64(limits.maxBodyBytes) {
            failure = .bodyTooLarge
            return false
        }
        if let refusal = onHead?(headers) {
            failure = .refused(refusal)
            return false
        }
        // Room for the declared body, up to a cap: a client that declares a
        // large body and sends none does not make the server hold it; a body
        // beyond the cap grows as it arrives.
        body.reserveCapacity(Int(min(declared, Self.bodyReservationCap)))
        return true
    }

    private static let bodyReservationCap: UInt64 = 1 << 20

    /// Why a head llhttp accepted is refused anyway; also sets `target`.
    private func refusal() -> ParseFailure? {
        if parser.pointee.method == UInt8(HTTP_CONNECT.rawValue) { return .methodNotAllowed(methodName) }
        if parser.pointee.flags & UInt16(F_TRANSFER_ENCODING.rawValue) != 0 {
            // llhttp makes sure `chunked` comes last; nothing may come before it.
            let codings = headers.values("transfer-encoding").flatMap(\.listElements)
            guard codings.count == 1, codings[0].equalsIgnoringASCIICase("chunked") else {
                return .malformed("unsupported transfer coding: \(codings.joined(separator: ", "))")
            }
        }
        target = String(decoding: url, as: UTF8.self)
        switch RequestTarget(target) {
        case .origin, .asterisk:
            return nil
        case .absolute(let scheme, let host, let port, let originForm):
            guard authority.names(scheme: scheme, host: host, port: port) else {
                return .malformed("the target names another server; this is no forward proxy")
            }
            // RFC 9112 §3.2.2: the target's authority replaces the Host field.
            headers.set("Host", port.map { "\(host):\($0)" } ?? String(host))
            target = String(originForm)
            return nil
        case .invalid:
            return .malformed("invalid request target")
        }
    }

    fileprivate func appendBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard body.count + bytes.count <= limits.maxBodyBytes else {
            failure = .bodyTooLarge
            return false
        }
        body.append(contentsOf: bytes)
        return true
    }

    /// Moved out, not copied (a copy retains each of its fields).
    func takeRequest() -> HTTPRequest? { completedRequest.take() }

    /// The request whose head was just read, without its body.
    var head: HTTPRequest {
        HTTPRequest(
            method: methodName, target: target, versionMajor: Int(parser.pointee.http_major),
            versionMinor: Int(parser.pointee.http_minor), headers: headers, keepAlive: false)
    }

    fileprivate func messageComplete() {
        isMidRequest = false
        completedRequest = HTTPRequest(
            method: methodName,
            target: target,
            versionMajor: Int(parser.pointee.http_major),
            versionMinor: Int(parser.pointee.http_minor),
            headers: headers,
            body: body,
            keepAlive: llhttp_should_keep_alive(parser) != 0)
        // Handed over, not shared: a later change to the request's fields
        // does not copy them.
        headers = HTTPHeaders()
        body = []
    }

    /// The common methods without reading llhttp's C string into a new one.
    private var methodName: String {
        switch UInt32(parser.pointee.method) {
        case HTTP_POST.rawValue: "POST"
        case HTTP_GET.rawValue: "GET"
        case let method: String(cString: llhttp_method_name(llhttp_method_t(method)))
        }
    }

    // MARK: shared settings

    /// Calls `body` on the parser llhttp is running for: it is alive while
    /// llhttp runs (`parse` holds it), so the call takes no reference of its
    /// own (a retain and release per callback, a dozen per message).
    private static func withOwner<Result>(
        _ parser: UnsafeMutablePointer<llhttp_t>?, _ body: (RequestParser) -> Result
    ) -> Result {
        Unmanaged<RequestParser>.fromOpaque(parser!.pointee.data)._withUnsafeGuaranteedRef(body)
    }

    private static func span(_ at: UnsafePointer<CChar>?, _ length: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: at, count: length)
    }

    /// -1 makes llhttp stop with HPE_USER; `failure` says why.
    private static func verdict(_ ok: Bool) -> Int32 { ok ? 0 : -1 }

    nonisolated(unsafe) static let settings: UnsafeMutablePointer<llhttp_settings_t> = {
        let settings = UnsafeMutablePointer<llhttp_settings_t>.allocate(capacity: 1)
        llhttp_settings_init(settings)
        settings.pointee.on_message_begin = {
            withOwner($0) { $0.messageBegin() }; return 0
        }
        settings.pointee.on_url = { parser, at, length in verdict(withOwner(parser) { $0.appendURL(span(at, length)) }) }
        settings.pointee.on_header_field = { parser, at, length in verdict(withOwner(parser) { $0.appendField(span(at, length)) }) }
        settings.pointee.on_header_value = { parser, at, length in verdict(withOwner(parser) { $0.appendValue(span(at, length)) }) }
        settings.pointee.on_header_value_complete = {
            withOwner($0) { $0.endField() }; return 0
        }
        settings.pointee.on_headers_complete = { verdict(withOwner($0) { $0.headersComplete() }) }
        settings.pointee.on_body = { parser, at, length in verdict(withOwner(parser) { $0.appendBody(span(at, length)) }) }
        settings.pointee.on_message_complete = { parser in
            withOwner(parser) { $0.messageComplete() }
            return Int32(HPE_PAUSED.rawValue)
        }
        return settings
    }()
}
