import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// A generation whose client hung up is aborted at the worker and never
    /// stored: its partial answer is not a trajectory.
    @Suite struct AbortedStream {
        @Test func aStreamTheClientHungUpOnIsAbortedAndNotStored() throws {
            let workers = try MockWorkerProcess.withQwen3Tokenizer(1)
            try workers[0].configure(["latency_per_token_ms": 20])
            let router = try RouterProcess.withRadixTree(workers: [workers[0].url])

            // A finished generation of the same prompt is stored, for contrast.
            let finished = try router.startGenerate(rid: "finished", maxNewTokens: 4, stream: true)
            let events = String(decoding: try finished.readUntilClosed(timeout: 30), as: UTF8.self)
                .components(separatedBy: "data: ").compactMap { $0.prefix { $0 != "\n" }.data(using: .utf8) }
                .compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
            let output = try #require(events.last?["text"] as? String, "no events in the finished stream")
            #expect(try router.post("/retrieve_from_text", json: ["text": "hold" + output, "rid": "finished"]).status == 200)

            let held = try router.startGenerate(rid: "hung-up", maxNewTokens: 500, stream: true)
            #expect(try held.readResponseHead(timeout: 30).status == 200)
            #expect(try held.readChunk(timeout: 30) != nil)
            held.close()
            #expect(eventually { (try? workers[0].aborts().compactMap { $0["rid"] as? String }) == ["hung-up"] })
            let retrieved = try router.post("/retrieve_from_text", json: ["text": "hold", "rid": "hung-up"])
            #expect(retrieved.status == 404, "\(retrieved.text)")
        }
    }
}
