import Foundation
import Testing
import TestSupport

extension EndToEnd {
    /// How the radix-tree middleware is selected, and what the router does
    /// without what it needs.
    @Suite struct Startup {
        @Test func radixTreeWithoutATokenizerRefusesToStart() throws {
            let router = try ManagedProcess(
                executable: "slime-router",
                arguments: ["--port", "0", "--middleware", "radix-tree"])
            let status = router.waitForExit(timeout: startupTimeout)
            #expect(status != nil && status != 0, "exit status \(String(describing: status))")
            #expect(!router.standardOutput.contains("listening on"))
            // The capture thread may still be reading what the process wrote before it exited.
            #expect(eventually { router.standardError.contains("--hf-checkpoint") }, "stderr: \(router.standardError)")
        }

        @Test func unknownMiddlewareIsRefused() throws {
            for name in ["no-such-thing", "slime.router.middleware_hub.magic.MagicMiddleware"] {
                let router = try ManagedProcess(
                    executable: "slime-router",
                    arguments: [
                        "--port", "0", "--middleware", name, "--hf-checkpoint", try TokenizerFixtures.qwen3Directory(),
                    ])
                let status = router.waitForExit(timeout: startupTimeout)
                #expect(status != nil && status != 0, "\(name): exit status \(String(describing: status))")
                #expect(eventually { router.standardError.contains("unknown middleware") }, "\(name): stderr: \(router.standardError)")
            }
        }

        /// The original's flags, pasted as they are.
        @Test func theOriginalsDottedPathWorksLikeTheShortName() throws {
            let tokenizer = try Fixtures.tokenizer()
            let workers = try MockWorkerProcess.withQwen3Tokenizer(1)
            let process = try ManagedProcess(
                executable: "slime-router",
                arguments: [
                    "--sglang-router-ip", "127.0.0.1", "--sglang-router-port", "0", "--disable-health-check",
                    "--worker-urls", workers[0].url,
                    "--slime-router-middleware-paths", "slime.router.middleware_hub.radix_tree_middleware.RadixTreeMiddleware",
                    "--hf-checkpoint", try TokenizerFixtures.qwen3Directory(),
                ])
            let port = try process.waitForListeningPort(timeout: startupTimeout)
            let prompt = Chat.system("Dotted.") + Chat.user("Does it work?")
            let response = try httpRequest(
                "POST", port: port, path: "/generate",
                json: ["text": prompt, "rid": "dotted", "sampling_params": ["max_new_tokens": 6]])
            try #require(response.status == 200, "\(response.text.prefix(300))")
            let (outputIDs, outputText, _, _, _) = try Turn.generation(try jsonObject(response))
            let body = try #require(try workers[0].requests(rid: "dotted").first)
            #expect(body["text"] == nil)
            #expect(ints(body["input_ids"]) == tokenizer.ids(prompt))
            let retrieved = try httpRequest("POST", port: port, path: "/retrieve_from_text", json: ["text": prompt + outputText])
            #expect(try ints(jsonObject(retrieved)["tokens"]) == tokenizer.ids(prompt) + outputIDs)
        }
    }
}
