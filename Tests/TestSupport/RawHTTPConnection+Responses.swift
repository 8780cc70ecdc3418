import Foundation

/// HTTP/1.1 response framing on top of the buffered socket reads.
///
/// To watch a streamed body arrive, read `readResponseHead` and then
/// `readChunk` (chunked) or `readBytes` (Content-Length) piece by piece.
extension RawHTTPConnection {
    /// Reads one whole response: head and body (by Content-Length, chunked,
    /// or until the peer closes). Interim responses (`100 Continue`) are
    /// returned as responses of their own. `forHEAD`: the request was HEAD,
    /// so no body follows whatever the headers say.
    public func readResponse(timeout: Double = 10, forHEAD: Bool = false) throws -> HTTPTestResponse {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var response = try readHead(until: deadline)
        response.body = try readBody(of: response, forHEAD: forHEAD, until: deadline)
        return response
    }

    /// Reads a status line and header block; `body` stays empty.
    public func readResponseHead(timeout: Double = 10) throws -> HTTPTestResponse {
        try readHead(until: Date(timeIntervalSinceNow: timeout))
    }

    /// Reads the next chunk of a chunked body exactly as the server framed
    /// it (extensions ignored); nil after the last chunk and its trailers.
    public func readChunk(timeout: Double = 10) throws -> [UInt8]? {
        try readChunk(until: Date(timeIntervalSinceNow: timeout))
    }

    /// Reads exactly `count` body bytes.
    public func readBytes(_ count: Int, timeout: Double = 10) throws -> [UInt8] {
        try readBytes(count, until: Date(timeIntervalSinceNow: timeout))
    }

    // MARK: -

    private func readHead(until deadline: Date) throws -> HTTPTestResponse {
        let statusLine = try readLine(until: deadline)
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]) else {
            throw TestSupportError.malformedResponse("status line \(statusLine.debugDescription)")
        }
        var headers: [(name: String, value: String)] = []
        while true {
            let line = try readLine(until: deadline)
            if line.isEmpty { break }
            guard let colon = line.firstIndex(of: ":") else {
                throw TestSupportError.malformedResponse("header line \(line.debugDescription)")
            }
            headers.append(
                (
                    name: String(line[..<colon]),
                    value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                ))
        }
        return HTTPTestResponse(status: status, headers: headers)
    }

    private func readBody(of response: HTTPTestResponse, forHEAD: Bool, until deadline: Date) throws -> [UInt8] {
        if forHEAD || response.status / 100 == 1 || response.status == 204 || response.status == 304 { return [] }
        if response.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            var body: [UInt8] = []
            while let chunk = try readChunk(until: deadline) { body += chunk }
            return body
        }
        if let length = response.header("Content-Length") {
            guard let count = Int(length) else { throw TestSupportError.malformedResponse("Content-Length \(length)") }
            return try readBytes(count, until: deadline)
        }
        while try fill(until: deadline, waitingFor: "a body delimited by the connection's end") {}
        return take(bufferedCount)
    }

    private func readChunk(until deadline: Date) throws -> [UInt8]? {
        let sizeLine = try readLine(until: deadline)
        let sizeField = sizeLine.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false)[0]
        guard let size = Int(sizeField.trimmingCharacters(in: .whitespaces), radix: 16) else {
            throw TestSupportError.malformedResponse("chunk size line \(sizeLine.debugDescription)")
        }
        if size == 0 {
            while try !readLine(until: deadline).isEmpty {}  // trailers
            return nil
        }
        let data = try readBytes(size, until: deadline)
        guard try readLine(until: deadline).isEmpty else {
            throw TestSupportError.malformedResponse("chunk data longer than its size \(size)")
        }
        return data
    }

    private func readLine(until deadline: Date) throws -> String {
        while true {
            if let length = bufferedLineLength() {
                let line = take(length)
                _ = take(2)
                return String(decoding: line, as: UTF8.self)
            }
            guard try fill(until: deadline, waitingFor: "a CRLF-terminated line") else {
                throw TestSupportError.closedByPeer("before a complete line (\(bufferedCount) bytes pending)")
            }
        }
    }

    private func readBytes(_ count: Int, until deadline: Date) throws -> [UInt8] {
        while bufferedCount < count {
            guard try fill(until: deadline, waitingFor: "\(count) body bytes (have \(bufferedCount))") else {
                throw TestSupportError.closedByPeer("after \(bufferedCount) of \(count) body bytes")
            }
        }
        return take(count)
    }
}
