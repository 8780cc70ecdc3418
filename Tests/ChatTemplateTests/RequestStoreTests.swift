import ChatTemplate
import JSON
import Testing

/// A chat request's values are read in place from its store (`.request`)
/// wherever the interpreter can, and converted everywhere else. Each template
/// here must render a request exactly as it renders the same request given as
/// converted values, and as Python would (the literal expectations).
@Suite struct RequestStoreTests {
    static let request = #"""
        {"messages": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "Hi", "role": "user2"},
            {"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {"name": "f", "arguments": {"b": 1, "a": [1.5, null, true]}}}]},
            {"role": "tool", "content": "{\"ok\": true}"}
        ],
        "tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}],
        "add_generation_prompt": true, "n": 3}
        """#

    @Test(arguments: [
        "{% for m in messages %}{{ m.role }}:{{ m['content'] }}|{% endfor %}",
        "{% for m in messages[::-1] %}{{ loop.index }}{{ m.role }}{{ loop.previtem.role if not loop.first }};{% endfor %}",
        "{% for m in messages %}{{ loop.length }}{{ loop.revindex }}{{ loop.nextitem if not loop.last }}{{ loop.changed(m.role) }};{% endfor %}",
        "{% for m in messages if m.role != 'tool' %}{{ m.role }}{{ loop.length }}{% else %}none{% endfor %}{% for x in messages[9:] %}{% else %}empty{% endfor %}",
        "{{ messages[-1].content }} {{ messages[9] is defined }} {{ messages|length }} {{ messages[1]|length }} {{ messages[1:]|length }}",
        "{{ messages[2]|tojson }} {{ messages[2]|tojson(sort_keys=true) }} {{ messages[1]|tojson }} {{ tools|tojson(indent=1) }}",
        "{% for k in messages[1] %}{{ k }}={{ messages[1][k] }};{% endfor %} {{ messages[1].items()|list }}",
        "{% set ns = namespace(m=none) %}{% for m in messages %}{% set ns.m = m %}{% endfor %}{{ ns.m }}",
        "{{ messages is sequence }} {{ messages[0] is mapping }} {{ messages[0] is string }} {{ messages[0].x is defined }} {{ messages[0] is iterable }}",
        "{% if messages[2].tool_calls %}x{% else %}y{% endif %} {{ not messages }} {{ messages and 'a' or 'b' }} {{ -n }}",
        "{{ messages[0] == messages[0] }} {{ 'role' in messages[0] }} {{ messages[0].get('role') }} {{ messages[0] }}",
        "{{ tools[0].function.name }} {{ tools|map(attribute='type')|join(',') }} {{ (messages[::2]|first).role }}",
        "{% for call in messages[2].tool_calls %}{% set call = call.function %}{{ call.name }}{{ call.arguments|tojson }}{{ call.arguments.a[0] + n }}{% endfor %}",
        "{% set x = messages %}{{ x[1].role }} {{ x[1]['role'] }} {{ x[1].missing is defined }} {{ x[0].content.upper() }}",
    ])
    func readInPlaceAsConverted(source: String) throws {
        let template = try Template(source: source)
        let request = try JSONParser.parse(Self.request)
        let inPlace = try ChatTemplates(defaultTemplate: template).render(request: request)
        guard case .dict(var converted) = try Value(json: request) else { fatalError("the request is an object") }
        converted["documents"] = Value.none
        #expect(inPlace == (try template.render(converted)))
    }

    @Test func readsAsPythonDoes() throws {
        let source = """
            {{ messages[1].role }} {{ messages[1]|tojson }} \
            {% for m in messages[::-1] %}{{ m.role[0] }}{% endfor %} \
            {{ messages[2].tool_calls[0].function.arguments|tojson(sort_keys=true) }} {{ messages[-1] is mapping }}
            """
        let rendered = try ChatTemplates(defaultTemplate: Template(source: source)).render(request: JSONParser.parse(Self.request))
        // A repeated key keeps its first place and its last value, as json.loads builds the dict.
        #expect(rendered == #"user2 {"role": "user2", "content": "Hi"} taus {"a": [1.5, null, true], "b": 1} True"#)
    }
}
