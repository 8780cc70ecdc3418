import ChatTemplate
import Testing

/// Jinja features one at a time, each expectation what jinja2 renders in
/// transformers' environment (trim_blocks, lstrip_blocks, loop controls).
@Suite struct RenderingTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let source: String
        let variables: String
        let expected: String
        init(_ name: String, _ source: String, variables: String = "{}", expect expected: String) {
            (self.name, self.source, self.variables, self.expected) = (name, source, variables, expected)
        }
        var testDescription: String { name }
    }

    @Test(arguments: Self.whitespaceCases) func whitespaceControl(_ test: Case) throws { try check(test) }
    @Test(arguments: Self.loopsCases) func loops(_ test: Case) throws { try check(test) }
    @Test(arguments: Self.assignmentsCases) func assignments(_ test: Case) throws { try check(test) }
    @Test(arguments: Self.macrosCases) func macrosAndBlocks(_ test: Case) throws { try check(test) }
    @Test(arguments: Self.expressionsCases) func expressions(_ test: Case) throws { try check(test) }
    @Test(arguments: Self.testsCases) func tests(_ test: Case) throws { try check(test) }
    @Test(arguments: Self.filtersCases) func filtersAndMethods(_ test: Case) throws { try check(test) }

    private func check(_ test: Case) throws {
        let rendered = try render(test.source, test.variables)
        #expect(rendered.unicodeScalars.elementsEqual(test.expected.unicodeScalars), "\(test.name): got \(rendered.debugDescription)")
    }
}

extension RenderingTests {
    static let whitespaceCases: [Case] = [
        Case(
            "block tags take their newline and leading indentation", "{% if true %}\n  yes\n{% endif %}\nafter",
            expect: "  yes\nafter"),
        Case(
            "minus strips all whitespace, newlines too", "a  \n {%- if true -%} \n x \n {%- endif -%}  \n y",
            expect: "axy"),
        Case(
            "plus keeps what lstrip and trim would drop", "a\n  {%+ if true +%}\nb{% endif %}",
            expect: "a\n  \nb"),
        Case(
            "comments are trimmed like blocks", "{# c #}\nx {#- c -#} y\n  {# c #}\nz",
            expect: "xy\nz"),
        Case(
            "raw passes tags through", "{% raw %}{{ not }} {% if %}{% endraw %}!",
            expect: "{{ not }} {% if %}!"),
        Case(
            "indented loop body", "start\n    {% for i in [1, 2] %}\n    {{ i }}\n    {% endfor %}\nend",
            expect: "start\n    1\n    2\nend"),
        Case(
            "one trailing newline dropped, CRLF normalised", "a\r\nb\n",
            expect: "a\nb"),
        Case(
            "expression tags are not lstripped", "x\n  {{ 1 }}\n",
            expect: "x\n  1"),
    ]
    static let loopsCases: [Case] = [
        Case(
            "tuple unpacking", "{% for a, b in [[1, 2], [3, 4]] %}{{ a }}{{ b }};{% endfor %}",
            expect: "12;34;"),
        Case(
            "loop variables",
            "{% for x in 'abc' %}{{ loop.index }}{{ loop.index0 }}{{ loop.revindex }}{{ loop.revindex0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}|{% endfor %}",
            expect: "1032TrueFalse3|2121FalseFalse3|3210FalseTrue3|"),
        Case(
            "else branch of an empty loop", "{% for x in [] %}a{% else %}empty{% endfor %}",
            expect: "empty"),
        Case(
            "filter in the loop head counts only kept items",
            "{% for x in range(10) if x is odd %}{{ x }}/{{ loop.length }}{% if loop.last %}!{% endif %} {% endfor %}",
            expect: "1/5 3/5 5/5 7/5 9/5! "),
        Case(
            "break and continue",
            "{% for x in range(10) %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 5 %}{% break %}{% endif %}{{ x }}{% endfor %}",
            expect: "0134"),
        Case(
            "previtem, nextitem and cycle",
            "{% for x in [1, 2, 3] %}{{ loop.previtem }}-{{ loop.nextitem }}-{{ loop.cycle('a', 'b') }},{% endfor %}",
            expect: "-2-a,1-3-b,2--a,"),
        Case(
            "dict items keep insertion order",
            "{% for k, v in {'b': 1, 'a': 2}.items() %}{{ k }}={{ v }};{% endfor %}{% for k in {'z': 1, 'y': 2} %}{{ k }}{% endfor %}",
            expect: "b=1;a=2;zy"),
        Case(
            "a set inside a loop stays inside", "{% set x = 1 %}{% for i in [1] %}{% set x = 2 %}{{ x }}{% endfor %}{{ x }}",
            expect: "21"),
        Case(
            "each iteration starts afresh", "{% set x = 9 %}{% for i in [1, 2] %}[{{ x }}]{% set x = i %}{% endfor %}",
            expect: "[9][9]"),
    ]
    static let assignmentsCases: [Case] = [
        Case(
            "namespace attributes outlive the loop",
            "{% set ns = namespace(n=0, seen=false) %}{% for i in [1, 2, 3] %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }} {{ ns.seen }}",
            expect: "6 False"),
        Case(
            "block set captures output", "{% set b %}  hi {{ 1 + 1 }}{% endset %}[{{ b }}]",
            expect: "[  hi 2]"),
        Case(
            "block set with a filter", "{% set b | upper %}hi{% endset %}{{ b }}",
            expect: "HI"),
        Case(
            "tuple assignment", "{% set a, b = 1, 2 %}{{ a }}{{ b }}",
            expect: "12"),
        Case(
            "set inside if is visible after it", "{% if true %}{% set y = 'in' %}{% endif %}{{ y }}",
            expect: "in"),
        Case(
            "with opens a scope", "{% with a = 1 %}{{ a }}{% endwith %}[{{ a }}]",
            expect: "1[]"),
    ]
    static let macrosCases: [Case] = [
        Case(
            "defaults and keyword arguments",
            "{% macro m(a, b='d') %}{{ a }}-{{ b }}{% endmacro %}{{ m(1) }} {{ m(1, b=2) }} {{ m(b=3, a=4) }}",
            expect: "1-d 1-2 4-3"),
        Case(
            "a macro sees globals at call time", "{% macro m() %}{{ x }}{% endmacro %}{% set x = 10 %}{{ m() }}",
            expect: "10"),
        Case(
            "call block passes caller", "{% macro w() %}[{{ caller() }}]{% endmacro %}{% call w() %}in{% endcall %}",
            expect: "[in]"),
        Case(
            "caller with arguments", "{% macro w() %}{{ caller(3) }}{% endmacro %}{% call(x) w() %}x={{ x }}{% endcall %}",
            expect: "x=3"),
        Case(
            "filter block", "{% filter upper %}abc{{ 'd' }}{% endfilter %}",
            expect: "ABCD"),
        Case(
            "generation block renders its body", "a{% generation %}gen{% endgeneration %}b",
            expect: "agenb"),
    ]
    static let expressionsCases: [Case] = [
        Case(
            "literals print as Python reprs", "{{ [1, 'a', none, true, 2.5, (1,), {'k': [1]}, \"it's\", 'say \"hi\"', 'tab\t'] }}",
            expect: "[1, 'a', None, True, 2.5, (1,), {'k': [1]}, \"it's\", 'say \"hi\"', 'tab\\t']"),
        Case(
            "slices",
            "{{ 'abcdef'[1:4] }} {{ 'abcdef'[::-1] }} {{ [1, 2, 3, 4][-2:] }} {{ [1, 2, 3, 4][::-2] }} {{ 'héllo'[1] }} {{ [1, 2][5:] }}",
            expect: "bcd fedcba [3, 4] [4, 2] é []"),
        Case(
            "in and not in", "{{ 'a' in 'cat' }} {{ 2 not in [1, 2] }} {{ 'k' in {'k': 1} }} {{ 'x' in missing }}",
            expect: "True False True False"),
        Case(
            "tilde joins strings", "{{ 1 ~ 'a' ~ none ~ missing ~ true }}",
            expect: "1aNoneTrue"),
        Case(
            "conditional expressions", "{{ 'y' if 1 > 2 else 'n' }}[{{ 'x' if false }}]",
            expect: "n[]"),
        Case(
            "arithmetic follows Python",
            "{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % -3 }} {{ 2 ** 10 }} {{ 7 / 2 }} {{ 1e16 }} {{ 1e15 }} {{ 0.1 + 0.2 }} {{ 1e-5 }} {{ 3 * 'ab' }} {{ -(3) }} {{ 10 / 4 * 2 }}",
            expect: "3 -4 -2 1024 3.5 1e+16 1000000000000000.0 0.30000000000000004 1e-05 ababab -3 5.0"),
        Case(
            "comparisons",
            "{{ 1 < 2 < 3 }} {{ 'b' > 'a' }} {{ [1, 2] == [1, 2] }} {{ 1 == 1.0 }} {{ true == 1 }} {{ 'é' == 'é' }} {{ none == none }}",
            expect: "True True True True True False True"),
        Case(
            "truthiness", "{% for v in [0, 1, '', 'a', [], [0], {}, none, 0.0] %}{{ 'T' if v else 'F' }}{% endfor %}",
            expect: "FTFTFTFFF"),
        Case(
            "attribute and item access",
            "{{ m.role }} {{ m['content'] }} {{ m.missing is defined }} {{ l.0 }} {{ l[-1] }} {{ m.get('role') }}",
            variables: "{\"m\": {\"role\": \"user\", \"content\": \"hi\"}, \"l\": [1, 2]}",
            expect: "user hi False 1 2 user"),
        Case(
            "JSON numbers stay int or float", "{{ n }} {{ f }} {{ e }} {{ n is integer }} {{ f is float }}",
            variables: "{\"n\": 3, \"f\": 2.0, \"e\": 1e-7}",
            expect: "3 2.0 1e-07 True True"),
    ]
    static let testsCases: [Case] = [
        Case(
            "type tests",
            "{{ x is defined }} {{ none is none }} {{ 'a' is string }} {{ {} is mapping }} {{ [] is sequence }} {{ 1 is number }} {{ true is boolean }} {{ 1 is integer }} {{ 1.5 is float }} {{ true is true }} {{ false is false }} {{ 'a' is iterable }} {{ 1 is iterable }} {{ {} is sequence }}",
            expect: "False True True True True True True True True True True True False True"),
        Case(
            "tests with arguments",
            "{{ 3 is equalto 3 }} {{ 4 is divisibleby 2 }} {{ 'a' is in 'abc' }} {{ 3 is eq(3) }} {{ 2 is lt 3 }} {{ x is not none }} {{ 5 is odd }}",
            variables: "{\"x\": 1}",
            expect: "True True True True True True True"),
    ]
    static let filtersCases: [Case] = [
        Case(
            "a JSON object with a repeated key is the dict json.loads makes: first place, last value",
            "{{ d|tojson }} {{ d|length }} {{ d.a }} {{ d['a'] }} {% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {{ d.keys()|list }} {{ d == {'a': 3, 'b': {'c': []}} }}",
            variables: #"{"d": {"a": 1, "b": {"c": []}, "a": 3}}"#,
            expect: #"{"a": 3, "b": {"c": []}} 2 3 3 a=3;b={'c': []}; ['a', 'b'] True"#),
        Case(
            "request objects read without being changed stay as given, nested ones too",
            "{{ m.x.y }} {{ m|length }} {{ m.x|tojson(sort_keys=true) }} {{ m.z is defined }} {{ m.get('x').y }} {{ {} if m.x else 1 }}",
            variables: #"{"m": {"x": {"y": 2.5, "w": -7}}}"#,
            expect: #"2.5 1 {"w": -7, "y": 2.5} False 2.5 {}"#),
        Case(
            "tojson writes a request object from its JSON as json.dumps writes what json.loads made of it",
            "{{ o|tojson }}",
            variables:
                #"{"o": {"n": [1.0, 1e2, -0, 0.10, 7], "s": "é\"\n", "d": {"k": 1, "k": 2}, "e": {}, "l": [[]], "t": true, "z": null}}"#,
            expect: #"{"n": [1.0, 100.0, 0, 0.1, 7], "s": "é\"\n", "d": {"k": 2}, "e": {}, "l": [[]], "t": true, "z": null}"#),
        Case(
            "a request object with many keys: a repeat found past the first sixteen, keys of the same text in other normal forms kept apart",
            "{{ o|tojson }} {{ o|length }} {{ p|length }}",
            variables: "{\"o\": {" + (0..<20).map { "\"k\($0)\": \($0)" }.joined(separator: ", ") + ", \"k2\": \"last\"}, "
                + "\"p\": {" + (0..<20).map { "\"p\($0)\": 0" }.joined(separator: ", ") + ", \"\u{E9}\": 1, \"e\u{301}\": 2}}",
            expect: "{" + (0..<20).map { $0 == 2 ? "\"k2\": \"last\"" : "\"k\($0)\": \($0)" }.joined(separator: ", ") + "} 20 22"),
        Case(
            "string filters and methods",
            "{{ '  x  '|trim }}|{{ 'a,b'.split(',') }}|{{ 'abc'.startswith('a') }}|{{ 'abc'.endswith(('x', 'c')) }}|{{ 'aXbX'.replace('X', '-') }}|{{ 'Hello World'|lower }}|{{ 'hello wORLD-x'|title }}|{{ 'hELLO'|capitalize }}|{{ 'ab'|upper }}|{{ \"they're\".title() }}",
            expect: "x|['a', 'b']|True|True|a-b-|hello world|Hello World-X|Hello|AB|They'Re"),
        Case(
            "strip and split variants",
            "{{ 'xxaxx'.strip('x') }} {{ '\\n\\na '.lstrip() }} {{ 'a b  c '.split() }} {{ 'a,b,c'.split(',', 1) }} {{ 'a,b,c'.rsplit(',', 1) }} {{ 'a\\nb\\r\\nc'.splitlines() }} {{ 'abcabc'.find('c') }} {{ 'abcabc'.rfind('c') }} {{ 'aaa'.count('a') }}",
            expect: "a a  ['a', 'b', 'c'] ['a', 'b,c'] ['a,b', 'c'] ['a', 'b', 'c'] 2 5 3"),
        Case(
            "list filters",
            "{{ [3, 1, 2]|sort }} {{ [3, 1, 2]|sort(reverse=true)|join(',') }} {{ ['b', 'A', 'a']|unique|list }} {{ {'b': 1, 'a': 2}|dictsort }} {{ [1, 2, 3]|first }} {{ [1, 2, 3]|last }} {{ [1, 2]|length }} {{ 'abc'|list }} {{ [1, 2]|reverse|list }} {{ [3, 5, 1]|max }} {{ ['b', 'a']|min }} {{ [1, 2, 3]|sum }}",
            expect: "[1, 2, 3] 3,2,1 ['b', 'A'] [('a', 2), ('b', 1)] 1 3 2 ['a', 'b', 'c'] [2, 1] 5 a 6"),
        Case(
            "conversions and defaults",
            "{{ '3'|int + 1 }} {{ 'x'|int }} {{ '2.5'|float }} {{ 3|string ~ 'a' }} {{ missing|default('d') }} {{ ''|default('e', true) }} {{ none|default('n') }} {{ '4.7'|int }} {{ 2.9|int }}",
            expect: "4 0 2.5 3a d e None 4 2"),
        Case(
            "select, reject and map",
            "{{ [{'a': 1, 'b': 0}, {'a': 2, 'b': 1}]|selectattr('b')|map(attribute='a')|list }} {{ [{'a': 1}, {'a': 2}]|rejectattr('a', 'equalto', 1)|list }} {{ [1, 2, 3, 4]|select('even')|list }} {{ ['a', 'b']|map('upper')|join }} {{ none|selectattr('x')|list }} {{ [{'a': {'b': 5}}]|map(attribute='a.b')|list }}",
            expect: "[2] [{'a': 2}] [2, 4] AB [] [5]"),
        Case(
            "a generator is always true", "{{ 'T' if [] | select('even') else 'F' }}",
            expect: "T"),
        Case(
            "indent", "{{ 'a\\nb\\n\\nc'|indent(2) }}|{{ 'a\\nb'|indent(2, true) }}|{{ 'a\\n\\nb'|indent('> ', blank=true) }}",
            expect: "a\n  b\n\n  c|  a\n  b|a\n> \n> b"),
        Case(
            "tojson as transformers defines it",
            "{{ {'b': [1, 2.0, 'é\"\\n\\u2028'], 'a': none, 'c': true}|tojson }}|{{ {'b': 1, 'a': [1, {}]}|tojson(indent=2, sort_keys=true) }}|{{ [1, 2]|tojson(separators=(',', ':')) }}|{{ 'ü'|tojson(ensure_ascii=true) }}",
            expect:
                "{\"b\": [1, 2.0, \"é\\\"\\n\u{2028}\"], \"a\": null, \"c\": true}|{\n  \"a\": [\n    1,\n    {}\n  ],\n  \"b\": 1\n}|[1,2]|\"\\u00fc\""
        ),
        Case(
            "dict methods and items",
            "{{ {'a': 1}.get('a') }} {{ {'a': 1}.get('b', 'x') }} {{ {'a': 1}.get('b') }} {{ {'a': 1}|items|list }} {{ {'a': 1}.keys()|list }} {{ {'a': 1}.items() }} {{ {'a': 1}.values()|length }}",
            expect: "1 x None [('a', 1)] ['a'] dict_items([('a', 1)]) 1"),
        Case(
            "undefined prints empty and iterates empty",
            "[{{ missing }}][{{ missing|length }}]{% for x in missing %}x{% endfor %}[{{ missing|first }}]",
            expect: "[][0][]"),
        Case(
            "str.format", "{{ '{} and {name} {{x}}'.format(1, name='n') }}",
            expect: "1 and n {x}"),
        Case(
            "safe makes Markup, which escapes what is added to it", "{{ 'a<'|safe + '<b>' }} {{ 'a<'|safe ~ '<b>' }} {{ ('<'|e) }}",
            expect: "a<&lt;b&gt; a<<b> &lt;"),
        Case(
            "escape", "{{ '<a href=\"x\">&\\'</a>'|e }}",
            expect: "&lt;a href=&#34;x&#34;&gt;&amp;&#39;&lt;/a&gt;"),
    ]
}
