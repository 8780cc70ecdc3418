import ChatTemplate
import JSON
import Testing

/// Renders each of `sources` with `request` here and with transformers (the
/// differential oracle), and records every template whose renderings differ,
/// or that renders on one side only; with `failing`, templates may fail on
/// both sides (else that is recorded too: a comparison of two failures shows little).
func expectRendersAsTransformers(
    _ sources: [String], request: JSONValue, failing: Bool = false, sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws {
    let names = sources.indices.map { "template \($0)" }
    let answers = try Corpus.transformersAnswers(templates: Array(zip(names, sources)), requests: [request])
    for (name, source) in zip(names, sources) {
        let ours = Result { try ChatTemplates(defaultTemplate: Template(source: source)).render(request: request) }
        guard case .results(let results)? = answers[name], let theirs = results.first else {
            Issue.record("transformers cannot compile \(source): \(String(describing: answers[name]))", sourceLocation: sourceLocation)
            continue
        }
        switch (theirs, ours) {
        case (.success(let expected), .success(let rendered)):
            #expect(rendered == expected, "\(source)", sourceLocation: sourceLocation)
        case (.failure(let error), .failure):
            if !failing { Issue.record("both fail on \(source): \(error)", sourceLocation: sourceLocation) }
        case (.success, .failure(let error)):
            Issue.record("transformers renders \(source), we fail: \(error)", sourceLocation: sourceLocation)
        case (.failure(let error), .success):
            Issue.record("transformers fails on \(source) (\(error)), we render it", sourceLocation: sourceLocation)
        }
    }
}
