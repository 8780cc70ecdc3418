import Foundation
import Testing
import TestSupport

/// Flags that configure the router's own HTTP side and its logging, seen
/// through the real executable. Each timeout test runs a router with the flag
/// next to one with the default and treats the flagged router's action as the
/// end of the observation, so no test measures time.
@Suite struct ServerFlagsTests {
    /// Linux routes all of 127/8 to loopback, so 127.0.0.2 is a second
    /// local address the router can be told to use instead of 127.0.0.1.
    @Test func hostChoosesTheListeningAddress() throws {
        let router = try RouterProcess(workers: [], ["--host", "127.0.0.2"])
        #expect(try router.process.waitForLine(containing: "listening on").hasSuffix("listening on 127.0.0.2:\(router.port)"))

        let there = try RawHTTPConnection(port: router.port, host: "127.0.0.2")
        try there.send(Self.healthRequest(keepAlive: false))
        #expect(try there.readResponse().status == 200)

        #expect {
            try RawHTTPConnection(port: router.port, host: "127.0.0.1")
        } throws: { error in
            if case TestSupportError.system(_, errno: ECONNREFUSED) = error { true } else { false }
        }
    }

    @Test func requestReadTimeoutAnswersAHalfSentHeadWith408() throws {
        let standard = try RouterProcess(), short = try RouterProcess(workers: [], ["--request-read-timeout", "0.2"])
        let halfHead = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        // The default router's client starts first, so it waits at least as long.
        let patient = try RawHTTPConnection(port: standard.port)
        try patient.send(halfHead)
        let slow = try RawHTTPConnection(port: short.port)
        try slow.send(halfHead)

        let answer = try slow.readResponse(timeout: 30)
        #expect(answer.status == 408)
        #expect(errorMessage(answer) == "request not received within 200 ms")
        #expect(slow.isClosedByPeer(timeout: 30))

        // Meanwhile the default router neither answered nor gave up: the rest
        // of the head gets the health answer.
        try patient.send("Connection: close\r\n\r\n")
        #expect(try patient.readResponse().status == 200)
    }

    @Test func idleTimeoutClosesAKeepAliveConnectionLeftIdle() throws {
        let standard = try RouterProcess(), short = try RouterProcess(workers: [], ["--idle-timeout", "0.2"])
        // The default router's connection goes idle first, so it idles at least as long.
        let kept = try RawHTTPConnection(port: standard.port)
        try kept.send(Self.healthRequest(keepAlive: true))
        #expect(try kept.readResponse().status == 200)
        let dropped = try RawHTTPConnection(port: short.port)
        try dropped.send(Self.healthRequest(keepAlive: true))
        #expect(try dropped.readResponse().status == 200)

        #expect(dropped.isClosedByPeer(timeout: 30))

        try kept.send(Self.healthRequest(keepAlive: true))
        #expect(try kept.readResponse().status == 200)
    }

    /// At debug level the router logs every proxied request; at warning it
    /// does not. A worker added afterwards that refuses connections makes it
    /// log a warning at either level, later on the same loop: once that line
    /// is there, the request's line would be too.
    @Test func logLevelDebugLogsEachProxiedRequestAndWarningDoesNot() throws {
        let refusing = try RefusingPort()
        func standardError(logLevel: String) throws -> String {
            let router = try RouterProcess(
                workers: [],
                [
                    "--log-level", logLevel, "--health-check-interval", "0.05", "--health-failure-threshold", "1",
                    "--queue-size", "0",
                ])
            #expect(try router.request("GET", "/get_model_info?probe=1").status == 503)
            #expect(try router.request("POST", "/add_worker?url=\(refusing.url)").status == 200)
            #expect(
                eventually(timeout: 30) { router.process.standardError.contains("worker unhealthy") },
                "stderr: \(router.process.standardError)")
            return router.process.standardError
        }
        let debug = try standardError(logLevel: "debug"), warning = try standardError(logLevel: "warning")
        let requestLine = debug.split(separator: "\n").first { $0.contains("proxied") }
        #expect(requestLine?.contains("target=/get_model_info?probe=1") == true, "stderr: \(debug)")
        #expect(requestLine?.contains("status=503") == true, "stderr: \(debug)")
        #expect(!warning.contains("proxied"), "stderr: \(warning)")
    }

    private static func healthRequest(keepAlive: Bool) -> String {
        "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: \(keepAlive ? "keep-alive" : "close")\r\n\r\n"
    }
}
