import ChatTemplate
import JSON
import Testing

/// Corners of jinja2's semantics the corpus's templates do not reach, each
/// rendered here and by transformers: the same bytes, or both fail.
@Suite struct JinjaParityTests {
    static let request = #"""
        {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello", "tool_calls": [{"id": 1}]}],
         "m": {"a": 1}, "l": [1, [2]]}
        """#

    /// jinja2's `Undefined` has `__len__`, `__getitem__` and `__call__` (each failing
    /// when used), and its loop object `__iter__` and `__call__`: the tests see them.
    @Test func undefinedAndLoopAnswerTestsAsJinja2() throws {
        try expectRendersAsTransformers(
            [
                "{{ nope is sequence }} {{ nope is callable }} {{ nope is iterable }} {{ nope is mapping }}",
                "{% for m in messages %}{{ m.tool_calls is sequence }} {{ m.tool_calls is iterable }};{% endfor %}",
                "{% for m in messages %}{{ loop is iterable }} {{ loop is callable }} {{ loop is sequence }};{% endfor %}",
            ], request: JSONParser.parse(Self.request))
    }

    /// A loop's frame is kept for its next run: each run starts empty, a loop
    /// inside a recursive macro runs within itself, a macro defined in a loop keeps its frame.
    @Test func loopsRunAgainAsNew() throws {
        try expectRendersAsTransformers(
            [
                "{% for m in messages %}{% for c in m.tool_calls %}{{ seen is defined }}{% set seen = c.id %}{{ seen }}{% endfor %};{% endfor %}",
                "{% macro r(n) %}{% for i in range(n) %}{{ n }}{{ i }}({{ r(n - 1) }}){{ i }}{% endfor %}{% endmacro %}{{ r(3) }}",
                "{% for m in messages %}{% for x in l %}{% macro g() %}{{ x }}{% endmacro %}{{ g() }}{% endfor %}{% endfor %}",
            ], request: JSONParser.parse(Self.request))
    }

    /// jinja2 reads `d.name` as an attribute before a member: a dict method's
    /// name is the method even where the dict has a member of that name (a JSON
    /// schema's `items`), and one that changes the dict is the sandbox's undefined.
    @Test func aDictMethodsNameIsTheMethodNotTheMember() throws {
        let request = #"{"messages": [{"role": "user", "content": "Hi", "items": {"type": "string"}, "get": "g", "pop": "p"}]}"#
        try expectRendersAsTransformers(
            [
                "{% for m in messages %}{{ m.items is callable }} {{ m.items == 'x' }} {{ m.items.type is defined }} {{ m.get is callable }};{% endfor %}",
                "{% for m in messages %}{{ m.pop is defined }} {{ m.keys is callable }} {{ m['items'].type }} {{ m.get('pop') }} {{ m.role }};{% endfor %}",
                "{% set d = {'items': 1, 'copy': 2, 'update': 3} %}{{ d.items is callable }} {{ d.copy is callable }} {{ d.update is defined }} {{ d['items'] }}",
                "{% for m in messages %}{% set f = m.items %}{{ f()|list|length }}{% endfor %}",
                // `attr` reads attributes only, never a member.
                "{% for m in messages %}{{ m|attr('role') is defined }} {{ m|attr('items') is callable }} {{ m|attr('pop') is defined }};{% endfor %}",
            ], request: JSONParser.parse(request))
    }

    /// An undefined value prints as nothing, but as `Undefined` inside a list, tuple or dict (its repr).
    @Test func undefinedInsideAContainerPrintsItsRepr() throws {
        try expectRendersAsTransformers(
            [
                "{{ messages|map(attribute='nope')|list }} [{{ nope }}] {{ [nope, 1] }} {{ (nope,) }} {{ {'k': nope} }}",
                "{{ messages[0].nope }}|{{ [messages[0].nope] ~ '' }}|{{ [nope]|string }}|{{ [nope]|join(',') }}",
            ], request: JSONParser.parse(Self.request))
    }

    /// Looking a list or dict up in a dict (or a set, as `unique` does) fails in Python: they are unhashable.
    @Test func unhashableLookupsFailAsInPython() throws {
        try expectRendersAsTransformers(
            [
                "{{ [1] in m }}", "{{ m in m }}", "{{ messages[0] in m }}", "{{ (1, [2]) in m }}", "{{ l|unique|list }}",
                "{{ messages|unique|list }}", "{{ m.get(l) }}", "{{ m.get(messages) }}",
            ], request: JSONParser.parse(Self.request), failing: true)
        // Still fine: hashable lookups, and an item lookup, which jinja2 turns into undefined.
        try expectRendersAsTransformers(
            [
                "{{ 'a' in m }} {{ (1, 2) in m }} {{ none in m }} {{ m.get((1,)) }} {{ m[l] is defined }} {{ [[1], [1], 2]|length }}",
                "{{ messages|map(attribute='role')|unique|list }} {{ [1, 1.0, true, 'a', 'A']|unique|list }}",
            ], request: JSONParser.parse(Self.request))
    }

    /// `json.dumps` takes a boolean indent as the integer it is (`True` one space, `False` none, each item on its line).
    @Test func tojsonTakesABooleanIndentAsAnInteger() throws {
        try expectRendersAsTransformers(
            ["{{ m|tojson(indent=true) }}|{{ l|tojson(indent=false) }}|{{ messages[1]|tojson(indent=true) }}"],
            request: JSONParser.parse(Self.request))
    }
}
