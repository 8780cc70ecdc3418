import EventLoop

/// One client connection: feeds bytes to the parser, hands each request to
/// the server's handler, and writes responses back in request order.
final class HTTPServerConnection {
    private let tcp: TCPConnection
    private let parser: RequestParser
    /// The server keeps each connection until its socket closed, and the
    /// handlers below are not called after that: neither reference outlives
    /// its object, so neither is checked (`unowned` safe retained and
    /// released the object at every use, a dozen times per request).
    private unowned(unsafe) let server: HTTPServer
    private let configuration: HTTPServerConfiguration
    // `@exclusivity(unchecked)`: touched on the loop thread only, each access
    // a plain read or write that calls nothing back; the run-time check cost
    // every access a thread-local lookup, on every request.
    /// Responders of requests not yet fully answered, oldest first.
    @exclusivity(unchecked) private var pending: [HTTPResponder] = []
    /// Bytes received but not parsed while the pipeline is full.
    @exclusivity(unchecked) private var backlog: [UInt8] = []
    @exclusivity(unchecked) private var isReadingPaused = false
    /// A malformed or oversized request was seen: answer it, then close.
    @exclusivity(unchecked) private var stopParsing = false
    @exclusivity(unchecked) private(set) var isClosed = false
    /// Loop time of the first byte of the request being read, or of the last
    /// activity when idle.
    @exclusivity(unchecked) private(set) var requestStartedAt: UInt64 = 0
    @exclusivity(unchecked) private(set) var lastActivityAt: UInt64
    /// What the head check made of the request being read, until it is
    /// dispatched (a request's head is read only once the one before it was).
    @exclusivity(unchecked) private var classificationAtHead: Int?
    /// `tcp.unsentBytes` when the server last looked (`noteWriteProgress`).
    @exclusivity(unchecked) private var unsentAtLastLook = 0

    init(tcp: TCPConnection, server: HTTPServer, configuration: HTTPServerConfiguration) {
        self.tcp = tcp
        self.server = server
        self.configuration = configuration
        parser = RequestParser(
            limits: .init(
                maxHeaderBytes: configuration.maxHeaderBytes,
                maxBodyBytes: configuration.maxBodyBytes),
            authority: server.authority)
        lastActivityAt = server.loop.now
        parser.onHead = { [unowned(unsafe) self] headers in
            if let check = server.headCheck {
                switch check(parser.head) {
                case .refuse(let refusal): return refusal
                case .proceed(let classification): classificationAtHead = classification
                }
            }
            // Only the oldest pending request may be told to continue: an
            // interim response must not overtake earlier answers.
            if pending.isEmpty, headers.listContains("expect", token: "100-continue") {
                tcp.write(ResponseHead.continueInterim)
            }
            return nil
        }
        tcp.setHandlers(
            onRead: { [unowned(unsafe) self] bytes in receive(bytes) },
            onEnd: { [unowned(unsafe) self] _ in close() },
            onDrained: { [unowned(unsafe) self] in drained() },
            // A connection closing after its last answer stays the server's
            // until its socket is closed: shutdown waits for it, and the
            // sweep still times out a client that does not read. Weak: the
            // socket may linger past a server torn down meanwhile.
            onClosed: { [weak self] in if let self { server.connectionClosed(self) } })
        tcp.resumeReading()
    }

    var isDraining: Bool { server.isShuttingDown }
    /// Nothing to read, answer or write: the keep-alive timeout applies.
    var isIdle: Bool { pending.isEmpty && !parser.isMidRequest && backlog.isEmpty && tcp.queuedBytes == 0 }
    /// Answers wait in the write queue for the client to read them.
    var hasUnreadAnswers: Bool { tcp.queuedBytes > 0 }
    /// A request is being read: the read timeout applies. Not while the
    /// server itself holds reading back.
    var isMidRequest: Bool { !isClosed && !isReadingPaused && parser.isMidRequest }
    var isWriteQueueFull: Bool { tcp.queuedBytes > configuration.writeHighWatermark }

    // MARK: reading

    private func receive(_ bytes: UnsafeRawBufferPointer) {
        lastActivityAt = server.loop.now
        if !parser.isMidRequest { requestStartedAt = lastActivityAt }
        feed(bytes)
    }

    private func feed(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while !stopParsing, !isClosed {
            switch parser.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .consumed:
                return
            case .paused(let consumed):
                offset += consumed
                if let request = parser.takeRequest() { dispatch(request) }
                if isClosed || stopParsing { return }
                // Stop at a full pipeline or at a client not reading its
                // answers: requests already read wait in the backlog too.
                if pending.count >= configuration.maxPipelinedRequests || isWriteQueueFull {
                    backlog = Array(bytes[offset...])
                    pauseReading()
                    return
                }
                if offset == bytes.count { return }
                if !parser.isMidRequest { requestStartedAt = server.loop.now }
            case .failed(let failure):
                reject(failure)
                return
            }
        }
    }

    private func dispatch(_ request: consuming HTTPRequest) {
        request.classification = classificationAtHead.take()
        let responder = HTTPResponder(connection: self, request: request)
        responder.isHeadOfLine = pending.isEmpty
        pending.append(responder)
        server.handle(consume request, responder)
    }

    /// Answers a request that could not be parsed, or was refused at its
    /// head, after the answers owed to earlier requests, and closes the
    /// connection.
    private func reject(_ failure: RequestParser.ParseFailure) {
        stopParsing = true
        pauseReading()
        let error = configuration.errorResponse
        var response =
            switch failure {
            case .headersTooLarge: error(431, "request header fields exceed \(configuration.maxHeaderBytes) bytes")
            case .bodyTooLarge: error(413, "request body exceeds \(configuration.maxBodyBytes) bytes")
            case .malformed(let reason): error(400, "malformed HTTP request: \(reason)")
            case .methodNotAllowed(let method): error(405, "\(method) is not supported")
            case .refused(let answer): answer
            }
        if response.status == 405 { response.headers.add("Allow", RequestParser.allowedMethods) }
        // A refused request was read up to its body: answer it as itself
        // (a HEAD gets no body). A malformed one may have no method to go by.
        let request: HTTPRequest
        if case .refused = failure {
            request = parser.head
        } else {
            server.countRejected(status: response.status)
            request = HTTPRequest(method: "GET", target: "/", keepAlive: false)
        }
        let responder = HTTPResponder(connection: self, request: request)
        responder.isHeadOfLine = pending.isEmpty
        pending.append(responder)
        responder.send(response)
    }

    /// Answers 408 to a request that arrives too slowly, then closes.
    func timeOutRequest() {
        guard parser.isMidRequest, !stopParsing else { return }
        stopParsing = true
        pauseReading()
        let responder = HTTPResponder(connection: self, request: HTTPRequest(method: "GET", target: "/", keepAlive: false))
        responder.isHeadOfLine = pending.isEmpty
        pending.append(responder)
        responder.send(configuration.errorResponse(408, "request not received within \(configuration.requestReadTimeoutMilliseconds) ms"))
    }

    private func pauseReading() {
        isReadingPaused = true
        tcp.pauseReading()
    }

    /// Resumes reading when nothing holds it back any more.
    private func resumeReadingIfPossible() {
        guard isReadingPaused, !stopParsing, !isClosed,
            pending.count < configuration.maxPipelinedRequests, !isWriteQueueFull
        else { return }
        isReadingPaused = false
        if !backlog.isEmpty {
            let bytes = backlog
            backlog = []
            bytes.withUnsafeBytes { feed($0) }
            if isReadingPaused || isClosed || stopParsing { return }
        }
        // A request read in part while the server held reading back gets
        // its time again, counted from now.
        if parser.isMidRequest { requestStartedAt = server.loop.now }
        tcp.resumeReading()
    }

    // MARK: writing

    /// Writes `bytes`, then `more` in the same system call, with the loop
    /// iteration's other writes.
    func write(_ bytes: [UInt8], _ more: [UInt8] = []) {
        lastActivityAt = server.loop.now
        tcp.writeBatched(bytes, more)
        if isWriteQueueFull, !isReadingPaused { pauseReading() }
    }

    /// Counts what the client took of its answers since the last look as
    /// activity: a slow reader that keeps reading is not one that stopped.
    func noteWriteProgress() {
        let unsent = tcp.unsentBytes
        if unsent < unsentAtLastLook { lastActivityAt = server.loop.now }
        unsentAtLastLook = unsent
    }

    private func drained() {
        // Shutting down, and this client's last answer is written.
        if isDraining, isIdle { return closeAfterWrites() }
        pending.first?.onWritable?()
        resumeReadingIfPossible()
    }

    /// Removes finished responders from the head of the line and lets the
    /// next one write what it buffered.
    func responderFinished(_ responder: HTTPResponder) {
        while let head = pending.first, head.isHeadOfLine, head.isFinished {
            pending.removeFirst()
            if head.closesConnection {
                closeAfterWrites()
                return
            }
            guard let next = pending.first else { break }
            next.isHeadOfLine = true
            if !next.buffered.isEmpty {
                let bytes = next.buffered
                next.buffered = []
                write(bytes)
            }
            if !next.isFinished { next.onWritable?() }
        }
        if stopParsing, pending.isEmpty { return closeAfterWrites() }
        if isDraining, isIdle { return closeAfterWrites() }
        resumeReadingIfPossible()
    }

    // MARK: closing

    private func closeAfterWrites() {
        guard !isClosed else { return }
        markClosed()
        tcp.closeAfterWrites(lingerMilliseconds: configuration.lingerMilliseconds)
    }

    /// Closes at once, also a close after writes still under way; pending
    /// responders learn that the client is gone.
    func close() {
        if !isClosed { markClosed() }
        tcp.close()
    }

    /// No more requests are read or answered on this connection.
    private func markClosed() {
        isClosed = true
        let abandoned = pending
        pending = []
        backlog = []
        for responder in abandoned { responder.clientWentAway() }
    }
}
