import Foundation

/// Failures of the test helpers, with enough context to diagnose a red test.
public enum TestSupportError: Error, CustomStringConvertible {
    case timedOut(String)
    case closedByPeer(String)
    case malformedResponse(String)
    case system(String, errno: Int32)
    case processExited(String)

    public var description: String {
        switch self {
        case .timedOut(let what): "timed out: \(what)"
        case .closedByPeer(let what): "connection closed by peer: \(what)"
        case .malformedResponse(let what): "malformed HTTP response: \(what)"
        case .system(let call, let code): "\(call) failed: \(String(cString: strerror(code))) (errno \(code))"
        case .processExited(let what): "process exited: \(what)"
        }
    }
}
