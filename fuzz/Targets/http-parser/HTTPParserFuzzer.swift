import FuzzSupport
@testable import HTTPServer

/// The request parser with small limits, fed the same bytes whole and in
/// pieces (as reads from a socket): both must give the same requests and
/// the same verdict, and every request must respect the limits.
/// Input: one byte choosing the piece sizes, then the bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHTTPParser(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let pattern = Int(input.byte())
    let stream = input.rest()
    let whole = parse([stream])
    let split = parse(pieces(of: stream, sizes: [1 + pattern % 7, 1 + pattern / 7 % 13, 1 + pattern / 91]))
    require(whole == split, "whole: \(whole)\nin pieces: \(split)")
    return 0
}

private let limits = RequestParser.Limits(maxHeaderBytes: 1024, maxBodyBytes: 2048)
private let authority = ServerAuthority(port: 8080, hosts: ["localhost", "127.0.0.1"])

/// What the parser made of `reads`: one line per request, then the verdict.
private func parse(_ reads: [[UInt8]]) -> [String] {
    let parser = RequestParser(limits: limits, authority: authority)
    var log: [String] = []
    for read in reads {
        let failed = read.withUnsafeBytes { bytes -> Bool in
            var offset = 0
            while offset < bytes.count {
                switch parser.parse(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
                case .consumed:
                    return false
                case .paused(let consumed):
                    offset += consumed
                    if let request = parser.takeRequest() { log.append(checked(request)) }
                case .failed:
                    // Which check fires first may depend on where reads end
                    // (a limit counted at a read's end, say); that one fires does not.
                    log.append("refused")
                    return true
                }
            }
            return false
        }
        if failed { break }
    }
    return log
}

private func checked(_ request: HTTPRequest) -> String {
    require(request.body.count <= limits.maxBodyBytes, "body of \(request.body.count) bytes")
    let headBytes = request.target.utf8.count + request.headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
    // The limit counts bytes as received: invalid UTF-8 becomes U+FFFD (3
    // bytes) in the strings, and an absolute-form target's Host is rewritten.
    require(headBytes <= 3 * limits.maxHeaderBytes + 300, "head of \(headBytes) bytes")
    require(request.target.hasPrefix("/") || request.target == "*", "target \(request.target)")
    require(request.method != "CONNECT", "CONNECT accepted")
    let headers = request.headers.map { "\($0.name): \($0.value)" }.joined(separator: "|")
    return
        "\(request.method) \(request.target) \(request.versionMajor).\(request.versionMinor) [\(headers)] \(request.body) \(request.keepAlive)"
}
