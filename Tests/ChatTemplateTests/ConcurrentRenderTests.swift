import ChatTemplate
import JSON
import Testing

/// A template is compiled once and rendered from several threads at once;
/// what a render keeps between a loop's runs (`Interpreter.takeLoopFrame`)
/// belongs to that render alone, and a render that fails inside its loops
/// leaves nothing behind for the next.
@Suite struct ConcurrentRenderTests {
    static let source = """
        {%- macro calls(m, depth) -%}
        {%- for call in m.tool_calls or [] -%}[{{ depth }}:{{ call.id }}{% if depth < 3 %}{{ calls(m, depth + 1) }}{% endif %}]{%- endfor -%}
        {%- endmacro -%}
        {%- for m in messages -%}
        {%- for part in m.content.split(' ') -%}{% if part == 'stop' %}{% break %}{% endif %}{% set seen = part %}<{{ seen }}>{%- endfor -%}
        {%- if m.role == 'fail' %}{{ raise_exception('failing in a loop') }}{% endif -%}
        {{ calls(m, 0) }};
        {%- endfor -%}
        """

    static func request(failing: Bool) throws -> JSONValue {
        try JSONParser.parse(
            """
            {"messages": [{"role": "user", "content": "a b stop c"},
                          {"role": "\(failing ? "fail" : "assistant")", "content": "d e", "tool_calls": [{"id": 1}, {"id": 2}]},
                          {"role": "user", "content": "f"}]}
            """)
    }

    @Test func rendersAloneAsTogetherAndAfterAFailure() async throws {
        let templates = ChatTemplates(defaultTemplate: try Template(source: Self.source))
        let good = try Self.request(failing: false), bad = try Self.request(failing: true)
        try expectRendersAsTransformers([Self.source], request: good)
        let expected = try templates.render(request: good)
        #expect(throws: ChatTemplateRequestError.self) { try templates.render(request: bad) }
        let renderings = await withTaskGroup(of: [String?].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    (0..<50).map { round in
                        if round % 3 == 2 { return (try? templates.render(request: bad)).map { "rendered a failing request: \($0)" } }
                        return (try? templates.render(request: good)) ?? "failed"
                    }
                }
            }
            return await group.reduce(into: []) { $0 += $1 }
        }
        #expect(renderings.count == 8 * 50)
        for rendering in renderings.compactMap({ $0 }) { #expect(rendering == expected) }
    }
}
