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
    /// An undefined value prints as nothing, but as `Undefined` inside a list, tuple or dict (its repr).
    @Test func undefinedInsideAContainerPrintsItsRepr() throws {
        try expectRendersAsTransformers(
            [
                "{{ messages|map(attribute='nope')|list }} [{{ nope }}] {{ [nope, 1] }} {{ (nope,) }} {{ {'k': nope} }}",
                "{{ messages[0].nope }}|{{ [messages[0].nope] ~ '' }}|{{ [nope]|string }}|{{ [nope]|join(',') }}",
            ], request: JSONParser.parse(Self.request))
    }
}
