import CCurl
import EventLoop

/// One request to a worker on a curl easy handle. Owned by `CurlClient`
/// while it runs; the caller keeps it to `resume()` or `cancel()`.
final class CurlTransfer: UpstreamTransfer {
    private unowned let client: CurlClient
    let easy: UnsafeMutableRawPointer
    private var handlers: UpstreamHandlers?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// Owned for curl, which reads the body from it without copying.
    private let body: UnsafeMutableRawBufferPointer
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private var status = 0
    /// The answer's fields; a field stays open until the next line, which may fold into it.
    private var responseFields = HTTPHeadersAssembly()
    /// Why the answer's head was refused, when a line of it was malformed.
    private var malformedHead: String?
    private(set) var headDelivered = false
    /// Curl had a connection (new or reused) and began sending the request:
    /// a failure before this reached nothing at the worker.
    private var requestStarted = false
    private(set) var isPaused = false
    /// Bytes at the start of the next deliveries that the handler already
    /// took: curl hands a paused piece over again in full after a resume.
    private var alreadyDelivered = 0
    private(set) var isCancelled = false
    var isFinished = false

    init(client: CurlClient, easy: UnsafeMutableRawPointer, request: UpstreamRequest, handlers: UpstreamHandlers) {
        self.client = client
        self.easy = easy
        self.handlers = handlers
        body = .allocate(byteCount: request.body.count, alignment: 1)
        request.body.withUnsafeBytes { body.copyMemory(from: $0) }
        errorBuffer.initialize(to: 0)
        configure(request)
    }

    deinit {
        curl_slist_free_all(headerList)
        body.deallocate()
        errorBuffer.deallocate()
    }

    private func configure(_ request: UpstreamRequest) {
        let configuration = client.configuration
        slime_easy_setopt_pointer(easy, CURLOPT_URL, request.url)
        slime_easy_setopt_pointer(easy, CURLOPT_PRIVATE, Unmanaged.passUnretained(self).toOpaque())
        slime_easy_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer)
        slime_easy_setopt_long(easy, CURLOPT_NOSIGNAL, 1)
        slime_easy_setopt_long(easy, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1))
        slime_easy_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeoutMilliseconds)
        slime_easy_setopt_long(easy, CURLOPT_TIMEOUT_MS, request.timeoutMilliseconds ?? configuration.requestTimeoutMilliseconds)
        slime_easy_setopt_long(easy, CURLOPT_TCP_NODELAY, 1)
        if let caFile = configuration.workerCAFile { slime_easy_setopt_pointer(easy, CURLOPT_CAINFO, caFile) }
        slime_easy_setopt_write_function(easy) { data, size, count, context in
            CurlTransfer.from(context).received(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        slime_easy_setopt_pointer(easy, CURLOPT_WRITEDATA, Unmanaged.passUnretained(self).toOpaque())
        slime_easy_setopt_header_function(easy) { data, size, count, context in
            CurlTransfer.from(context).receivedHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
        }
        slime_easy_setopt_pointer(easy, CURLOPT_HEADERDATA, Unmanaged.passUnretained(self).toOpaque())
        slime_easy_setopt_prereq_function(easy) { context, _, _, _, _ in
            CurlTransfer.from(context).requestStarted = true
            return CURL_PREREQFUNC_OK
        }
        slime_easy_setopt_pointer(easy, CURLOPT_PREREQDATA, Unmanaged.passUnretained(self).toOpaque())

        switch request.method {
        case "GET": slime_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
        case "HEAD": slime_easy_setopt_long(easy, CURLOPT_NOBODY, 1)
        default: slime_easy_setopt_pointer(easy, CURLOPT_CUSTOMREQUEST, request.method)
        }
        if !body.isEmpty || request.method == "POST" || request.method == "PUT" || request.method == "PATCH" {
            slime_easy_setopt_offset(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            // curl wants a non-null pointer even for an empty body.
            slime_easy_setopt_pointer(easy, CURLOPT_POSTFIELDS, UnsafeRawPointer(body.baseAddress ?? UnsafeMutableRawPointer(errorBuffer)))
            if request.method == "POST" { slime_easy_setopt_pointer(easy, CURLOPT_CUSTOMREQUEST, nil) }
        }
        var line: [UInt8] = []
        line.reserveCapacity(256)
        request.headers.forEachField { name, value in appendHeaderLine(name, value, scratch: &line) }
        // An empty value removes a header curl would add on its own; the
        // client's request is relayed as it was, without curl's defaults.
        for name in ["accept", "content-type", "expect"] where !request.headers.contains(name) {
            var name = name
            name.withUTF8 { appendHeaderLine($0, nil, scratch: &line) }
        }
        slime_easy_setopt_pointer(easy, CURLOPT_HTTPHEADER, headerList)
    }

    /// Adds `name: value` (or `name:`, which removes curl's own field) to
    /// the header list, spelled in `scratch`: curl copies each line. An
    /// empty value is spelled `name;`, curl's way to send a field with
    /// nothing after its colon (`name:` would remove it).
    private func appendHeaderLine(
        _ name: UnsafeBufferPointer<UInt8>, _ value: UnsafeBufferPointer<UInt8>?, scratch line: inout [UInt8]
    ) {
        line.removeAll(keepingCapacity: true)
        line.append(contentsOf: name)
        if let value, value.isEmpty {
            line.append(UInt8(ascii: ";"))
        } else {
            line.append(UInt8(ascii: ":"))
            if let value {
                line.append(UInt8(ascii: " "))
                line.append(contentsOf: value)
            }
        }
        line.append(0)
        headerList = line.withUnsafeBytes { curl_slist_append(headerList, $0.baseAddress!.assumingMemoryBound(to: CChar.self)) }
    }

    /// Continues a transfer paused by `onBody` returning false.
    func resume() {
        guard isPaused, !isFinished, !isCancelled else { return }
        isPaused = false
        curl_easy_pause(easy, CURLPAUSE_CONT)
    }

    /// Stops the transfer; no handler is called after this.
    func cancel() {
        guard !isFinished, !isCancelled else { return }
        isCancelled = true
        handlers = nil
        client.cancel(self)
    }

    // MARK: curl callbacks

    private static func from(_ context: UnsafeMutableRawPointer?) -> CurlTransfer {
        Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
    }

    /// One line of the response head, parsed on its bytes; the name and
    /// value are kept as bytes. Lines are read as llhttp reads them on the
    /// plain-HTTP path, so both clients hand the router the same fields: an
    /// obs-fold continues the field before it, and a line that is no field
    /// (no name, whitespace before the colon, a bare CR or NUL) refuses the
    /// answer.
    private func receivedHeaderLine(_ line: UnsafeRawBufferPointer) -> Int {
        var end = line.count
        if end > 0, line[end - 1] == 0x0A { end -= 1 }
        if end > 0, line[end - 1] == 0x0D { end -= 1 }
        let content = UnsafeRawBufferPointer(rebasing: line[..<end])
        if content.isEmpty {
            responseFields.endField()
            if status >= 200 { deliverHead(to: handlers) }
        } else if content.starts(with: "HTTP/".utf8) {
            // A new status line: any earlier 1xx head is discarded.
            status = Self.statusCode(in: content)
            _ = responseFields.take()
        } else if let problem = Self.problem(inFieldLine: content, continuing: responseFields.isReadingField) {
            malformedHead = problem
            return 0  // curl fails the transfer with CURLE_WRITE_ERROR
        } else if content[0] == 0x20 || content[0] == 0x09 {
            responseFields.valuePiece(content)
        } else {
            let colon = content.firstIndex(of: UInt8(ascii: ":"))!
            var valueStart = colon + 1
            while valueStart < end, content[valueStart] == 0x20 || content[valueStart] == 0x09 { valueStart += 1 }
            responseFields.endField()
            responseFields.namePiece(UnsafeRawBufferPointer(rebasing: content[..<colon]))
            responseFields.valuePiece(UnsafeRawBufferPointer(rebasing: content[valueStart...]))
        }
        return line.count
    }

    /// Why `line` (without its line end) cannot be a field line of an
    /// answer, or nil. A line starting with whitespace continues an open field.
    private static func problem(inFieldLine line: UnsafeRawBufferPointer, continuing: Bool) -> String? {
        if line.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) { return "a header line holds a bare CR, LF or NUL" }
        if line[0] == 0x20 || line[0] == 0x09 { return continuing ? nil : "a folded header line continues no field" }
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return "a header line has no field name" }
        let nameIsToken = line[..<colon].allSatisfy { $0 > 0x20 && $0 < 0x7F }
        return nameIsToken ? nil : "a header field name holds whitespace or a control byte"
    }

    /// The three digits after the first space of `HTTP/1.1 200 OK`.
    private static func statusCode(in line: UnsafeRawBufferPointer) -> Int {
        guard let space = line.firstIndex(of: 0x20), space + 3 < line.count else { return 0 }
        var code = 0
        for byte in line[(space + 1)...(space + 3)] {
            guard byte >= 0x30, byte <= 0x39 else { return 0 }
            code = code * 10 + Int(byte - 0x30)
        }
        return code
    }

    /// Hands the fields over (moved, not copied: the handler changes them in place).
    private func deliverHead(to handlers: UpstreamHandlers?) {
        guard !headDelivered else { return }
        headDelivered = true
        handlers?.onHead(status, responseFields.take())
    }

    private func received(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard let handlers, !isCancelled else { return 0 }  // 0 aborts the transfer
        deliverHead(to: handlers)
        // Returning CURL_WRITEFUNC_PAUSE tells curl that nothing of the piece
        // was taken, so it delivers the same bytes again after the resume;
        // the handler did take them, so they are skipped then.
        let skipped = min(alreadyDelivered, bytes.count)
        alreadyDelivered -= skipped
        let fresh = UnsafeRawBufferPointer(rebasing: bytes[skipped...])
        if fresh.isEmpty || handlers.onBody(fresh) { return bytes.count }
        isPaused = true
        alreadyDelivered = bytes.count
        return Int(CURL_WRITEFUNC_PAUSE)
    }

    /// Called by the client when curl reports the transfer done.
    func complete(_ code: CURLcode) {
        isFinished = true
        guard let handlers else { return }
        self.handlers = nil
        if code == CURLE_OK {
            deliverHead(to: handlers)
            handlers.onComplete(.success(()))
        } else {
            handlers.onComplete(.failure(error(for: code)))
        }
    }

    private func error(for code: CURLcode) -> UpstreamError {
        if let malformedHead { return .transport("malformed answer head: \(malformedHead)") }
        let detail = errorBuffer.pointee != 0 ? String(cString: errorBuffer) : String(cString: curl_easy_strerror(code))
        switch code {
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST:
            // Curl says "Couldn't connect" when the socket could not even be
            // made; the errno behind it tells the router's lack from the worker's.
            let osError = UVError(errno: Int32(slime_easy_os_errno(easy)))
            return osError.isLocalResourceExhaustion ? .localResources("\(detail) (\(osError))") : .connectFailed(detail)
        case CURLE_OPERATION_TIMEDOUT:
            // Curl reports a connect timeout with the same code as a request
            // timeout; only the former comes before the request started.
            return requestStarted ? .timedOut(detail) : .connectFailed("connect timed out: \(detail)")
        default:
            return .transport(detail)
        }
    }
}
