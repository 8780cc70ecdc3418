import EventLoop
import HTTPServer

/// Answers 200 with `METHOD TARGET` on the first line and the request body
/// after it, so a test can see which request an answer belongs to.
let echoHandler: TestServer.Handler = { request, responder, _ in
    responder.send(
        HTTPResponse(
            status: 200, headers: ["Content-Type": "text/plain"],
            body: Array("\(request.method) \(request.target)\n".utf8) + request.body))
}

/// The body `echoHandler` gives for a request.
func echoed(_ method: String, _ target: String, body: String = "") -> String {
    "\(method) \(target)\n\(body)"
}
