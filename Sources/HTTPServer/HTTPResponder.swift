/// Answers one request: either `send` a whole response, or `startStream`,
/// `writeChunk`…, `finishStream`. A stream with a known `contentLength` is
/// written as is; one without is chunked.
///
/// Pipelined requests are answered in order: a responder whose request is
/// not the oldest one pending buffers its output until it is.
public final class HTTPResponder {
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    /// Called once if the client goes away before the response is finished.
    @exclusivity(unchecked) public var onClientGone: (() -> Void)?
    /// Called when a slow client has drained and `isClientSlow` is false again.
    @exclusivity(unchecked) public var onWritable: (() -> Void)?

    public let requestMethod: String
    let requestKeepAlive: Bool
    let isHTTP10: Bool
    /// Strong, not weak: a weak reference cost a side-table load and a
    /// retain at each of the three reads per answer. The two hold each other
    /// only while this responder waits in the connection's line: a closing
    /// connection lets go of the responders left in it (`clientWentAway`),
    /// and one answered and out of the line holds a connection that no
    /// longer holds it.
    @exclusivity(unchecked) private var connection: HTTPServerConnection?
    /// Output produced while an earlier response is still pending.
    @exclusivity(unchecked) var buffered: [UInt8] = []
    @exclusivity(unchecked) public private(set) var isFinished = false
    /// The status of the response once one was begun, for access logs.
    @exclusivity(unchecked) public private(set) var status: Int?
    /// Fields every response to this request carries (a request id, say),
    /// whoever produces it; one the response names itself is left as it is.
    @exclusivity(unchecked) private var carried = CarriedFields()
    @exclusivity(unchecked) private var isStreaming = false
    @exclusivity(unchecked) private var isChunked = false
    /// The head of a stream, held back so that it leaves in one write with
    /// the first piece of body.
    @exclusivity(unchecked) private var heldHead: [UInt8] = []
    @exclusivity(unchecked) private(set) var closesConnection = false
    @exclusivity(unchecked) var isHeadOfLine = false

    init(connection: HTTPServerConnection, request: borrowing HTTPRequest) {
        self.connection = connection
        requestMethod = request.method
        requestKeepAlive = request.keepAlive
        isHTTP10 = request.versionMajor == 1 && request.versionMinor == 0
    }

    /// Every response to this request carries the fields of `headers`
    /// called `name` (a request id, say), whoever produces it; one the
    /// response names itself is left as it is. A method rather than a
    /// property set from another module: that was accessed with the
    /// run-time exclusivity check the attribute turns off here.
    public func carryOnEveryResponse(fieldsNamed name: String, of headers: HTTPHeaders) {
        carried = CarriedFields(name: name, headers: headers)
    }

    /// True while the client connection is gone.
    public var isClientGone: Bool { connection?.isClosed ?? true }

    /// True when the client is not reading fast enough: stop producing until
    /// `onWritable` is called.
    public var isClientSlow: Bool {
        guard isHeadOfLine, let connection else { return true }
        return connection.isWriteQueueFull
    }

    public func send(_ response: HTTPResponse) {
        guard !isFinished, !isStreaming else { return }
        status = response.status
        let keepAlive = decideKeepAlive()
        let head = ResponseHead.bytes(
            status: response.status, headers: response.headers, added: carried,
            contentLength: response.body.count, keepAlive: keepAlive, http10: isHTTP10)
        // Head and body leave as two buffers of one write: copying a large
        // body behind its head would cost about as much as writing it.
        emit(head, body: requestMethod == "HEAD" ? [] : response.body)
        finish()
    }

    /// Starts a response whose body follows in pieces.
    public func startStream(status: Int, headers: HTTPHeaders, contentLength: Int? = nil) {
        guard !isFinished, !isStreaming else { return }
        isStreaming = true
        self.status = status
        // HTTP/1.0 has no chunked encoding: the body ends when the connection does.
        if contentLength == nil {
            if isHTTP10 { closesConnection = true } else { isChunked = true }
        }
        let keepAlive = decideKeepAlive()
        heldHead = ResponseHead.bytes(
            status: status, headers: headers, added: carried, contentLength: contentLength,
            keepAlive: keepAlive, http10: isHTTP10, framed: contentLength != nil || !isHTTP10)
    }

    public func writeChunk(_ bytes: UnsafeRawBufferPointer) {
        guard isStreaming, !isFinished, bytes.count > 0, requestMethod != "HEAD" else { return }
        var out = heldHead
        heldHead = []
        if isChunked {
            out += ResponseHead.chunkHeader(bytes.count)
            out += bytes
            out += [13, 10]
        } else {
            out += bytes
        }
        emit(out)
    }

    public func writeChunk(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { writeChunk($0) }
    }

    public func finishStream() {
        guard isStreaming, !isFinished else { return }
        var out = heldHead
        heldHead = []
        if isChunked, requestMethod != "HEAD" { out += ResponseHead.lastChunk }
        if !out.isEmpty { emit(out) }
        finish()
    }

    /// Ends a stream that failed midway: the client sees a truncated body
    /// (no final chunk) and the connection closes, as nginx does.
    public func abortStream() {
        guard !isFinished else { return }
        closesConnection = true
        if !heldHead.isEmpty { emit(heldHead) }
        heldHead = []
        finish()
    }

    /// Closes the client connection without (finishing) an answer; for fault
    /// injection and for requests that must not be answered.
    public func dropConnection() {
        guard !isFinished else { return }
        isFinished = true
        onClientGone = nil
        onWritable = nil
        connection?.close()
    }

    private func decideKeepAlive() -> Bool {
        if !requestKeepAlive || (connection?.isDraining ?? true) { closesConnection = true }
        return !closesConnection
    }

    private func emit(_ bytes: [UInt8], body: [UInt8] = []) {
        if isHeadOfLine {
            connection?.write(bytes, body)
        } else {
            buffered += bytes
            buffered += body
        }
    }

    private func finish() {
        isFinished = true
        onClientGone = nil
        onWritable = nil
        connection?.responderFinished(self)
    }

    /// The connection closed: it is gone for this responder too.
    func clientWentAway() {
        connection = nil
        guard !isFinished else { return }
        let gone = onClientGone
        onClientGone = nil
        onWritable = nil
        gone?()
    }
}
