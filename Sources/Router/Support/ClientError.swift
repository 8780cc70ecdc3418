import HTTPServer

/// A request the router refuses, with the status and message the client gets.
struct ClientError: Error {
    let status: Int
    let message: String

    init(_ status: Int, _ message: String) {
        self.status = status
        self.message = message
    }

    init(_ message: String) { self.init(400, message) }

    var response: HTTPResponse { .error(status, message) }
}

extension Result where Success == HTTPResponse, Failure == ClientError {
    /// The response, or the error's.
    var answer: HTTPResponse {
        switch self {
        case .success(let response): response
        case .failure(let error): error.response
        }
    }
}
