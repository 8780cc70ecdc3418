import HTTPHeaderFields
import Testing

/// The header type both sides of the proxy share: fields read from pieces,
/// looked up by name, changed, filtered and spelled back as lines.
@Suite struct HTTPHeadersTests {
    /// Fields as a parser delivers them: each name and value in the pieces given.
    private func assembled(_ fields: [(name: [String], value: [String])]) -> HTTPHeaders {
        var assembly = HTTPHeadersAssembly()
        for field in fields {
            for piece in field.name { feed(piece) { assembly.namePiece($0) } }
            for piece in field.value { feed(piece) { assembly.valuePiece($0) } }
            assembly.endField()
        }
        return assembly.take()
    }

    private func feed(_ text: String, _ body: (UnsafeRawBufferPointer) -> Void) {
        Array(text.utf8).withUnsafeBytes(body)
    }

    private func lines(_ headers: HTTPHeaders, where isWritten: (UnsafeBufferPointer<UInt8>) -> Bool = { _ in true }) -> String {
        var head: [UInt8] = []
        headers.appendLines(to: &head, where: isWritten)
        return String(decoding: head, as: UTF8.self)
    }

    @Test func fieldsCutIntoPiecesAreReadWhole() {
        let headers = assembled([
            (["Content-", "Type"], ["application/", "json"]), (["X-Empty"], []), (["x-request-id"], ["abc"]),
        ])
        #expect(headers.map(\.name) == ["Content-Type", "X-Empty", "x-request-id"])
        #expect(headers.map(\.value) == ["application/json", "", "abc"])
        #expect(lines(headers) == "Content-Type: application/json\r\nX-Empty: \r\nx-request-id: abc\r\n")
    }

    @Test func namesAreLookedUpIgnoringASCIICase() {
        let headers: HTTPHeaders = [("X-Api-Key", "k1"), ("accept", "*/*"), ("x-api-key", "k2")]
        #expect(headers["x-api-key"] == "k1")
        #expect(headers["X-API-KEY"] == "k1")
        #expect(headers.values("X-Api-Key") == ["k1", "k2"])
        #expect(headers["Accept"] == "*/*")
        #expect(headers["accep"] == nil)
        #expect(headers.contains("ACCEPT"))
        #expect(!headers.contains("x-api-keys"))
    }

    @Test func setReplacesEveryFieldOfTheNameAndRemoveDropsThem() {
        var headers: HTTPHeaders = [("X-Request-ID", "a"), ("Accept", "*/*"), ("x-request-id", "b")]
        headers.set("X-Request-Id", "c")
        #expect(lines(headers) == "Accept: */*\r\nX-Request-Id: c\r\n")
        headers.remove("accept")
        #expect(headers.count == 1)
        #expect(headers["x-request-id"] == "c")
    }

    @Test func aCopyChangesAloneTheOriginalStaysAsItWas() {
        let original: HTTPHeaders = [("A", "1"), ("B", "2")]
        var copy = original
        copy.add("C", "3")
        copy.remove("A")
        #expect(lines(original) == "A: 1\r\nB: 2\r\n")
        #expect(lines(copy) == "B: 2\r\nC: 3\r\n")
    }

    @Test func fieldsAreDroppedByNameInOrderAndACopyKeepsThem() {
        let headers: HTTPHeaders = [("Host", "h"), ("A", "1"), ("Connection", "close"), ("B", "2")]
        var kept = headers
        kept.removeAll(whereName: { $0.count != 1 })
        #expect(lines(kept) == "A: 1\r\nB: 2\r\n")
        #expect(lines(headers) == "Host: h\r\nA: 1\r\nConnection: close\r\nB: 2\r\n")
        #expect(kept.lineBytes == "A: 1\r\nB: 2\r\n".utf8.count)
        kept.removeAll(whereName: { _ in true })
        #expect(kept.isEmpty)
        #expect(lines(headers) { $0.count != 4 } == "A: 1\r\nConnection: close\r\nB: 2\r\n")
    }

    @Test func droppingNothingOrEveryOtherFieldKeepsTheRestInOrder() {
        var headers: HTTPHeaders = [("A", "1"), ("Bb", "2"), ("C", "3"), ("Dd", "4"), ("E", "5")]
        headers.removeAll(whereName: { $0.count == 3 })
        #expect(lines(headers) == "A: 1\r\nBb: 2\r\nC: 3\r\nDd: 4\r\nE: 5\r\n")
        headers.removeAll(whereName: { $0.count == 2 })
        #expect(lines(headers) == "A: 1\r\nC: 3\r\nE: 5\r\n")
    }

    @Test func linesNamedOneNameAreTakenApartFromTheRest() {
        let headers: HTTPHeaders = [
            ("Host", "h"), ("X-Request-ID", "a"), ("X-Request-IDs", "c"), ("B", "2"), ("x-request-id", "b"), ("X-Request", "d"),
        ]
        func named(_ name: String, where isWritten: (UnsafeBufferPointer<UInt8>) -> Bool = { _ in true }) -> String {
            var head: [UInt8] = []
            headers.appendLines(named: name, to: &head, where: isWritten)
            return String(decoding: head, as: UTF8.self)
        }
        #expect(named("x-request-id") == "X-Request-ID: a\r\nx-request-id: b\r\n")
        #expect(named("missing").isEmpty)
        #expect(named("x-request") == "X-Request: d\r\n")
        #expect(named("x-request-id", where: { $0.first == UInt8(ascii: "x") }) == "x-request-id: b\r\n")
        #expect(lines(headers) == "Host: h\r\nX-Request-ID: a\r\nX-Request-IDs: c\r\nB: 2\r\nx-request-id: b\r\nX-Request: d\r\n")
    }

    @Test func listValuesAreSearchedByWholeElement() {
        let headers: HTTPHeaders = [("Connection", " close ,\tX-Trace , ,"), ("connection", "x-other")]
        #expect(headers.listContains("connection", token: "x-trace"))
        #expect(headers.listContains("CONNECTION", token: "X-OTHER"))
        #expect(!headers.listContains("connection", token: "x-tr"))
        #expect(!headers.listContains("connection", token: ""))
        #expect(!headers.listContains("expect", token: "close"))
        #expect(headers.containsListElement(of: "connection") { $0.count == 7 })
        #expect(!headers.containsListElement(of: "connection") { $0.count == 3 })
    }

    @Test(arguments: [
        ("keep-alive, Upgrade", "upgrade", true), ("\t X-A \t,x-b", "X-B", true), ("x-ab, x", "x-a", false),
        (", ,", "", false), ("", "x", false),
    ])
    func listElementsAreComparedWholeIgnoringCaseAndSpaces(value: String, token: String, listed: Bool) {
        let headers: HTTPHeaders = [("Connection", value)]
        #expect(headers.listContains("connection", token: token) == listed)
    }

    @Test func fieldsAreVisitedAsBytes() {
        let headers: HTTPHeaders = [("A", "1"), ("Bb", "two")]
        var seen: [String] = []
        headers.forEachField { name, value in
            seen.append(String(decoding: name, as: UTF8.self) + "=" + String(decoding: value, as: UTF8.self))
        }
        #expect(seen == ["A=1", "Bb=two"])
    }

    @Test func anAssemblyStartsOverAfterTake() {
        var assembly = HTTPHeadersAssembly()
        feed("A") { assembly.namePiece($0) }
        feed("1") { assembly.valuePiece($0) }
        assembly.endField()
        #expect(assembly.take().count == 1)
        feed("B") { assembly.namePiece($0) }
        feed("2") { assembly.valuePiece($0) }
        assembly.endField()
        #expect(lines(assembly.take()) == "B: 2\r\n")
    }
}
