import Testing
@testable import WorkerClient

/// The worker's answers as our client reads them, fed to the parser in
/// pieces of every size: framing, interim answers, HEAD, and what follows.
@Suite struct ResponseParserTests {
    /// What the parser handed over for one answer.
    final class Reading {
        var status = 0
        var headers: [(name: String, value: String)] = []
        var heads = 0
        var body: [UInt8] = []
        var outcomes: [ResponseParser.Outcome] = []
        lazy var parser = ResponseParser(
            onHead: { [unowned self] status, headers in
                self.status = status
                self.headers = Array(headers)
                heads += 1
                return true
            },
            onBody: { [unowned self] bytes in
                body += bytes
                return true
            })

        /// Feeds `text` in pieces of `pieceSize` bytes, keeping each outcome.
        func feed(_ text: String, pieceSize: Int = .max, expectsBody: Bool = true) {
            parser.begin(expectsBody: expectsBody)
            let bytes = Array(text.utf8)
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + pieceSize)
                outcomes.append(bytes[start..<end].withUnsafeBytes { parser.parse($0) })
                if case .complete = outcomes.last { return }
                start = end
            }
        }

        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    static let pieceSizes = [1, 3, 7, 1000]

    @Test(arguments: pieceSizes)
    func aContentLengthAnswerEndsAtItsLength(pieceSize: Int) {
        let reading = Reading()
        reading.feed("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{\"ok\":true}", pieceSize: pieceSize)
        #expect(reading.outcomes.last == .complete(leftover: 0))
        #expect(reading.status == 200)
        #expect(reading.headers.map(\.name) == ["Content-Type", "Content-Length"])
        #expect(reading.headers.first?.value == "application/json")
        #expect(reading.bodyText == #"{"ok":true}"#)
        #expect(reading.parser.keepsAlive)
    }

    @Test(arguments: pieceSizes)
    func aChunkedAnswerArrivesWithoutItsFraming(pieceSize: Int) {
        let reading = Reading()
        reading.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n", pieceSize: pieceSize)
        #expect(reading.outcomes.last == .complete(leftover: 0))
        #expect(reading.bodyText == "hello, world")
        #expect(reading.parser.keepsAlive)
    }

    @Test func anAnswerWithoutALengthEndsWithTheConnection() {
        let reading = Reading()
        reading.feed("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nsome bytes")
        #expect(reading.outcomes == [.needsMore])
        reading.feed(" and more")
        #expect(reading.parser.finish() == .complete(leftover: 0))
        #expect(reading.bodyText == "some bytes and more")
        #expect(!reading.parser.keepsAlive)
    }

    @Test func interimAnswersAreSkipped() {
        let reading = Reading()
        reading.feed(
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
                + "HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
        #expect(reading.outcomes.last == .complete(leftover: 0))
        #expect(reading.heads == 1)
        #expect(reading.status == 201)
        #expect(reading.headers.map(\.name) == ["Content-Length"])
        #expect(reading.bodyText == "ok")
    }

    @Test func anAnswerToHeadHasNoBodyWhateverItsLength() {
        let reading = Reading()
        reading.feed("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n", expectsBody: false)
        #expect(reading.outcomes == [.complete(leftover: 0)])
        #expect(reading.body.isEmpty)
        #expect(reading.parser.keepsAlive)
    }

    @Test func noContentAndNotModifiedHaveNoBody() {
        for status in ["204 No Content", "304 Not Modified"] {
            let reading = Reading()
            reading.feed("HTTP/1.1 \(status)\r\n\r\n")
            #expect(reading.outcomes == [.complete(leftover: 0)], "\(status)")
        }
    }

    @Test func bytesAfterTheAnswerAreCounted() {
        let reading = Reading()
        reading.feed("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1")
        #expect(reading.outcomes == [.complete(leftover: 8)])
    }

    @Test func answersFollowOneAnotherOnAKeptConnection() {
        let reading = Reading()
        reading.feed("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\none")
        reading.body = []
        reading.feed("HTTP/1.1 404 Not Found\r\nContent-Length: 3\r\n\r\ntwo")
        #expect(reading.outcomes.last == .complete(leftover: 0))
        #expect(reading.status == 404)
        #expect(reading.bodyText == "two")
    }

    @Test func connectionCloseAndHTTP10AreNotKeptAlive() {
        for answer in [
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
        ] {
            let reading = Reading()
            reading.feed(answer)
            #expect(reading.outcomes == [.complete(leftover: 0)])
            #expect(!reading.parser.keepsAlive, "\(answer)")
        }
    }

    @Test func anAnswerCutShortFails() {
        let reading = Reading()
        reading.feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort")
        guard case .failed(let reason) = reading.parser.finish() else { Issue.record("not a failure"); return }
        #expect(reason.contains("before its answer was complete"))
    }

    @Test func nothingAtAllIsAFailureOfItsOwn() {
        let reading = Reading()
        reading.parser.begin(expectsBody: true)
        #expect(reading.parser.finish() == .failed("the worker closed the connection without answering"))
    }

    @Test func garbageAndConflictingLengthsFail() {
        for answer in [
            "SMTP ready\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n",
        ] {
            let reading = Reading()
            reading.feed(answer)
            guard case .failed = reading.outcomes.last else {
                Issue.record("accepted: \(answer.debugDescription) -> \(reading.outcomes)")
                continue
            }
        }
    }

    @Test func aHugeHeadIsRefused() {
        let reading = Reading()
        let field = "X-Filler: " + String(repeating: "a", count: 1000) + "\r\n"
        reading.feed("HTTP/1.1 200 OK\r\n" + String(repeating: field, count: 300))
        #expect(reading.outcomes.last == .failed("the worker's response head is larger than \(ResponseParser.maxHeadBytes) bytes"))
    }

    @Test func aHandlerThatStopsEndsParsing() {
        let parser = ResponseParser(onHead: { _, _ in false }, onBody: { _ in true })
        parser.begin(expectsBody: true)
        let outcome = Array("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".utf8).withUnsafeBytes { parser.parse($0) }
        guard case .failed = outcome else { Issue.record("\(outcome)"); return }
    }
}
