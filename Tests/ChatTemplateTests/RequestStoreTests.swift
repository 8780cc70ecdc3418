@testable import ChatTemplate
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
        // A field against a string literal is compared in the store: strings of the same length, other types, missing fields.
        "{% for m in messages %}{{ m.role == 'user2' }}{{ m.role != 'tool' }}{{ m.role == 'user' }}{{ m.tool_calls == 'x' }}{{ m.missing == 'x' }}{{ m.content == '' }};{% endfor %}",
        "{{ messages[2].tool_calls[0].function.arguments.b == '1' }} {{ n == '3' }} {{ messages|count }} {{ messages[1]|count }} {{ (messages|length) - 1 }}",
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

    /// Slices of the request's lists, alone, composed and inside loops, against transformers.
    static let slices = [
        "{% for m in messages[1:] %}{{ m.role }}{% endfor %} {{ messages[::-1][1::2]|map(attribute='role')|join(',') }}",
        "{{ messages[3:0:-2]|map(attribute='role')|join(',') }} {{ messages[-1:-10:-1][::-1][1:][0].role }} {{ messages[::-1][::-1][0].content }}",
        "{% for m in messages %}{% for later in messages[loop.index0 + 1:] %}{{ later.role }}{% endfor %};{% endfor %}",
        "{{ messages[::-2]|tojson }} {{ messages[1:3][::-1]|length }} {{ messages[5:]|tojson }} {{ messages[2:][::-1][1:]|tojson }}",
        "{% for m in messages[::-1][:3] %}{{ loop.index }}{{ m.role }}{{ loop.nextitem.role if not loop.last }}|{% endfor %}",
        "{{ messages[2].tool_calls[::-1][0].function.name }} {{ messages[2:][0].tool_calls[0].function.arguments.a[::-1] }}",
        "{{ messages[::3] == [messages[0], messages[3]] }} {{ messages[::-1000000000000][::-1000000000000][0].role }} {{ messages[1::1000000000000]|length }}",
        "{{ messages[::2][::-1]|map(attribute='role')|list }} {{ messages[1:][1:][1:][0].role }} {{ messages[3:][:-1] }} {{ not messages[2:2] }}",
    ]

    @Test func slicesRenderAsTransformers() throws {
        try expectRendersAsTransformers(Self.slices, request: JSONParser.parse(Self.request))
    }

    /// A slice of a request list is a view of its elements: slicing in a loop
    /// (`messages[loop.index0 + 1:]`, as gpt-oss and Command R templates do)
    /// must not grow the store with every iteration, to a square of the request.
    @Test func aSliceCopiesNoElements() throws {
        let store = RequestStore()
        let messages = (0..<40).map { #"{"role": "r\#($0)"}"# }.joined(separator: ", ")
        let list = try store.add(JSONParser.parse("[\(messages)]"))
        let elements = store.elements.count
        let template = try Template(
            source:
                "{% for m in messages %}{% for later in messages[loop.index0 + 1:] %}{% endfor %}{{ messages[::-3][1:][0].role }}{% endfor %}"
        )
        let rendered = try template.render(request: store) { $0 == "messages" ? store.value(at: list) : nil }
        #expect(rendered == String(repeating: "r36", count: 40))
        #expect(store.elements.count == elements)
    }

    /// Requests whose reading grows the store's buffers while a list or dict
    /// of them is being filled (many messages, long lists of lists), against transformers.
    @Test func readsLargeRequestsAsTransformers() throws {
        let messages = (0..<100).map { #"{"role": "user", "content": [{"type": "text", "text": "\#($0)"}]}"# }
        let lists = (0..<100).map { "[\($0)]" }
        let request = try JSONParser.parse(
            #"{"messages": [\#(messages.joined(separator: ", "))], "lists": [\#(lists.joined(separator: ", "))]}"#)
        try expectRendersAsTransformers(
            ["{{ lists|tojson }} {% for m in messages %}{{ m.content[0].text }},{% endfor %} {{ messages[-1]|tojson }}"], request: request)
    }

    /// Messages with up to 40 keys (past the store's 32 remembered keys and
    /// its 16 compared pairwise), keys longer than a string holds inline, and
    /// repeated keys (the last value kept at the first place), against transformers.
    @Test func readsManyAndRepeatedKeysAsTransformers() throws {
        let messages = (0..<45).map { index in
            var members = [
                #""role": "user""#, #""a_rather_long_key_name_\#(index % 3)": \#(index)"#, #""content": "c\#(index)""#,
                #""a_rather_long_key_name_\#(index % 3)": "repeated \#(index)""#,
            ]
            members += (0..<index % 40).map { #""k\#($0)": \#($0)"# }
            if index % 5 == 0 { members.append(#""k3": "last""#) }
            return "{" + members.joined(separator: ", ") + "}"
        }
        try expectRendersAsTransformers(
            [
                "{% for m in messages %}{{ m|length }}:{{ m.k3 }}:{{ m['a_rather_long_key_name_' ~ (loop.index0 % 3)] }}:{{ m|tojson|length }};{% endfor %}",
                "{{ messages[44]|tojson }} {{ messages[40]|tojson(sort_keys=true) }} {{ messages[39].keys()|list|length }} {{ messages[20]|list }}",
            ], request: JSONParser.parse(#"{"messages": [\#(messages.joined(separator: ", "))]}"#))
    }
}
