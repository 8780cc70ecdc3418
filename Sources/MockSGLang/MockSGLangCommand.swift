import ArgumentParser
import EventLoop
import Glibc
import HTTPServer

@main
struct MockSGLangCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-sglang",
        abstract: "A fake SGLang worker for tests and benchmarks (deterministic generations, fault injection).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port (0 picks a free one).") var port = 31000
    @Option(help: "Delay per generated token, milliseconds.") var latencyPerTokenMs = 0.0
    @Option(help: "Tokens generated when the request sets no max_new_tokens.") var maxNewTokens = 16
    @Flag(help: "End generations with the EOS token (finish_reason stop) instead of length.") var finishWithStopToken = false
    @Option(help: "weight_version reported in responses.") var weightVersion = "default"
    @Flag(help: "Each request a new sample of its prompt (as with temperature > 0).") var independentSamples = false
    @Option(help: "Append a JSON line per answered generation to this file (kill-safe records).") var recordFile: String?
    @Option(help: "Probability that a generation aborts.") var abortRate = 0.0
    @Option(help: "Probability of a 500 answer.") var errorRate = 0.0
    @Option(help: "Probability that the connection is dropped without an answer.") var dropRate = 0.0
    @Option(help: "Close a keep-alive connection idle this long, milliseconds (SGLang's server, uvicorn, waits 5,000).")
    var keepAliveTimeoutMs: UInt64 = HTTPServerConfiguration().idleTimeoutMilliseconds
    @Option(
        name: [.customLong("tokenizer-path"), .customLong("model-path")],
        help: "Model directory with tokenizer.json; without it ids are UTF-8 bytes.") var tokenizerPath: String?

    func run() throws {
        var settings = MockSettings()
        settings.latencyPerTokenMilliseconds = latencyPerTokenMs
        settings.defaultMaxNewTokens = maxNewTokens
        settings.finishWithStopToken = finishWithStopToken
        settings.weightVersion = weightVersion
        settings.independentSamples = independentSamples
        settings.abortRate = abortRate
        settings.errorRate = errorRate
        settings.dropRate = dropRate

        OpenFileLimit.raiseToHardLimit()
        let loop = EventLoop()
        let codec: TokenCodec = try tokenizerPath.map { try TokenizerCodec(directory: $0) } ?? ByteCodec()
        let worker = MockWorker(loop: loop, codec: codec, settings: settings)
        if let recordFile {
            guard let file = fopen(recordFile, "a") else { throw ValidationError("cannot open \(recordFile) for appending") }
            worker.recordFile = file
        }
        var configuration = HTTPServerConfiguration(errorResponse: HTTPResponse.error)
        configuration.idleTimeoutMilliseconds = keepAliveTimeoutMs
        let server = HTTPServer(loop: loop, configuration: configuration) { request, responder in worker.handle(request, responder) }
        worker.acceptedConnections = { [unowned server] in server.acceptedConnectionCount }
        let stop = { (_: Int32) in server.shutdown(gracePeriodMilliseconds: 1000) { loop.stop() } }
        let watchers = [SignalWatcher(loop: loop, signal: SIGINT, stop), SignalWatcher(loop: loop, signal: SIGTERM, stop)]
        let boundPort = try server.start(host: host, port: port)
        print("mock-sglang listening on \(host):\(boundPort)")
        fflush(nil)
        loop.run()
        _ = watchers
    }
}
