import HTTPServer

/// Gives every request an id, so that one request can be followed through
/// the router's log, the worker's and the client's: the client's own when
/// it sent a usable one under one of `headerNames` (tried in order), else a
/// new one. The id travels to the worker and back to the client under the
/// first name (`X-Request-ID` unless configured otherwise).
final class RequestIDs {
    /// Longest client id kept; a longer one, or one with anything but
    /// visible ASCII, is replaced rather than trimmed (a changed id would no
    /// longer match what the client logged).
    static let maxLength = 128

    let headerName: String
    private let acceptedNames: [String]
    /// Random per process, so that ids from two routers rarely collide;
    /// short, so that an id (prefix, dash, counter) fits in a Swift small
    /// string, stored inline without an allocation, for 16 million requests.
    private let prefix = Array((String(UInt32.random(in: 0...UInt32.max), radix: 16) + "-").utf8)
    /// Unchecked: loop thread only, plain reads and writes (a checked
    /// access costs a thread-local lookup per request).
    @exclusivity(unchecked) private var counter: UInt64 = 0

    /// `headerNames` must not be empty (the command line checks it).
    init(headerNames: [String]) {
        precondition(!headerNames.isEmpty, "request ids need at least one header name")
        headerName = headerNames[0]
        acceptedNames = headerNames
    }

    /// Sets the request's id under `headerName` (replacing the client's
    /// spelling there, if any) and returns it.
    /// Reads the fields in place, no copy of them: the one change made then
    /// does not copy them either.
    @discardableResult
    func assign(to request: inout HTTPRequest) -> String {
        // Whether the client sent a field called `headerName`, the first
        // name looked up: then not looked up a second time below.
        var sentUnderHeaderName = false
        for (index, name) in acceptedNames.enumerated() {
            guard let id = request.headers[name] else { continue }
            if index == 0 { sentUnderHeaderName = true }
            guard Self.isUsable(id) else { continue }
            // The id alone under `headerName`: every answer carries that
            // field as the request has it, a second one the client sent too.
            if request.headers[headerName] != id || request.headers.count(named: headerName) > 1 {
                request.headers.set(headerName, id)
            }
            return id
        }
        let id = next()
        // Replaces an unusable id the client sent under this name.
        if sentUnderHeaderName { request.headers.set(headerName, id) } else { request.headers.add(headerName, id) }
        return id
    }

    /// The prefix and the counter in hexadecimal, spelled straight into
    /// the string (no string per part to join).
    private func next() -> String {
        counter += 1
        let digits = max(1, (UInt64.bitWidth - counter.leadingZeroBitCount + 3) / 4)
        return String(unsafeUninitializedCapacity: prefix.count + digits) { id in
            _ = id.initialize(fromContentsOf: prefix)
            var rest = counter
            for index in (prefix.count..<prefix.count + digits).reversed() {
                id[index] = Self.hexDigits[Int(rest & 0xF)]
                rest >>= 4
            }
            return prefix.count + digits
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    static func isUsable(_ id: String) -> Bool {
        !id.isEmpty && id.utf8.count <= maxLength && id.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
