import ChatTemplate
import JSON
import Testing

/// Every real template against transformers, on every conversation: the same
/// bytes, or both fail. A template this engine refuses must be listed in
/// `refused` (and in README.md) with its reason.
@Suite struct DifferentialTests {
    /// Templates refused at load time, with the words the refusal must contain.
    static let refused: [String: String] = [:]

    @Test(arguments: Corpus.templateNames)
    func rendersLikeTransformers(file: String) throws {
        let source = try Corpus.source(file)
        let answers = try #require(try Corpus.oracle.get()[file], "the oracle did not answer for \(file)")
        let conversations = try Corpus.conversations.get()
        let template: Template
        do {
            template = try Template(source: source)
        } catch {
            if case .compileError = answers { return }
            let expected = try #require(Self.refused[file], "\(file) is refused but not listed: \(error)")
            #expect(error.description.contains(expected), "\(file): \(error)")
            return
        }
        #expect(Self.refused[file] == nil, "\(file) is listed as refused but loads")
        guard case .results(let results) = answers else {
            Issue.record("\(file): transformers cannot compile it but it loads here")
            return
        }
        let templates = ChatTemplates(defaultTemplate: template)
        var same = 0, bothFail = 0
        defer { print("STAT \(file) same=\(same) bothFail=\(bothFail)") }
        for (conversation, expected) in zip(conversations, results) {
            let rendered = Result { try templates.render(request: conversation.request) }
            switch (expected, rendered) {
            case (.success(let text), .success(let ours)):
                if ours.utf8.elementsEqual(text.utf8) { same += 1 }
                #expect(ours.utf8.elementsEqual(text.utf8), "\(file) / \(conversation.name):\n--- transformers\n\(text)\n--- ours\n\(ours)")
            case (.failure, .failure):
                bothFail += 1
            case (.success, .failure(let error)):
                Issue.record("\(file) / \(conversation.name): transformers renders it, we fail: \(error)")
            case (.failure(let error), .success):
                Issue.record("\(file) / \(conversation.name): transformers fails (\(error)), we render")
            }
        }
    }
}
