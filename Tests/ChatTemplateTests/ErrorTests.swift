import ChatTemplate
import Testing
import TestSupport

/// Bad or unsupported templates fail at load time with the construct and its
/// place; templates that fail in transformers while rendering fail here too.
@Suite struct ErrorTests {
    @Test func unsupportedFilterNamesItsLineAndColumn() {
        #expect(
            loadError("line one\n  {{ text|wordcount }}") == .unsupported("the filter 'wordcount'", SourceLocation(line: 2, column: 11)))
    }

    @Test(arguments: [
        ("{% include 'other.jinja' %}", "the 'include' statement"),
        ("{% extends 'base' %}", "the 'extends' statement"),
        ("{% for x in items recursive %}{% endfor %}", "recursive loops"),
        ("{{ x.__class__ }}", "access to the underscore attribute '__class__'"),
        ("{{ x.zfill(3) }}", "the method 'zfill()'"),
        ("{{ f(*args) }}", "'*' or '**' arguments"),
        ("{% macro m() %}{{ varargs }}{% endmacro %}", "the name 'varargs'"),
        ("{{ x is escaped }}", "the test 'escaped'"),
        ("{{ 0x1F }}", "non-decimal integer literal"),
    ])
    func unsupportedConstructsAreRefused(source: String, construct: String) {
        guard case .unsupported(let message, _)? = loadError(source) else {
            Issue.record("\(source) loaded or failed differently: \(String(describing: loadError(source)))")
            return
        }
        #expect(message == construct)
    }

    @Test(arguments: [
        ("{% for x in y %}", "unexpected end of template: 'for' is never closed", 1, 17),
        ("{{ 'open }}", "unterminated string", 1, 4),
        ("ok\n{% if %}{% endif %}", "expected an expression, got '%}'", 2, 7),
        ("{{ x|nofilter }}", "no filter named 'nofilter'", 1, 6),
        ("{{ (1 }}", "unexpected '}', expected ')'", 1, 7),
        ("{% if x %}{% endfor %}", "encountered unknown tag 'endfor'", 1, 14),
        ("{% break %}", "'break' outside of a loop", 1, 4),
        ("{# never closed", "missing end of comment tag", 1, 1),
        ("{% frobnicate %}", "encountered unknown tag 'frobnicate'", 1, 4),
    ])
    func syntaxErrorsSayWhereTheyAre(source: String, message: String, line: Int, column: Int) {
        #expect(loadError(source) == .syntax(message, SourceLocation(line: line, column: column)))
    }

    /// jinja2 postpones an unknown filter inside `if` until that branch runs.
    @Test func unknownFilterInsideIfFailsOnlyWhenReached() throws {
        let source = "{% if x %}{{ x|from_json }}{% endif %}ok"
        #expect(try render(source, #"{"x": false}"#) == "ok")
        #expect(throws: TemplateError.render("no filter named 'from_json'")) { try render(source, #"{"x": "{}"}"#) }
    }

    @Test func raiseExceptionCarriesTheMessage() {
        #expect(throws: TemplateError.raised("Conversation roles must alternate")) {
            try render("{{ raise_exception('Conversation roles must alternate') }}")
        }
    }

    @Test(arguments: [
        "{{ [1].append(2) }}",
        "{{ missing.attribute }}",
        "{{ 1 + 'a' }}",
        "{{ none|length }}",
        "{% for x in 3 %}{% endfor %}",
        "{{ {'a': missing}|tojson }}",
        "{{ range(200000)|length }}",
        "{% set a, b = [1] %}",
        "{{ 1 // 0 }}",
    ])
    func renderErrorsMatchJinja(source: String) {
        #expect(loadError(source) == nil)
        #expect(throws: TemplateError.self) { try render(source) }
    }

    /// Markup (from `|safe`) has its own str methods in Python; rather than guess, rendering stops.
    @Test func stringMethodsOnMarkupAreRefusedWhileRendering() {
        #expect(throws: TemplateError.render("string methods on Markup values (from |safe or |escape) are not supported")) {
            try render("{{ ('a'|safe).strip() }}")
        }
    }

    @Test func errorsDescribeThemselves() {
        let error = TemplateError.unsupported("the filter 'wordcount'", SourceLocation(line: 2, column: 11))
        #expect(error.description == "unsupported template construct at line 2, column 11: the filter 'wordcount'")
    }

    @Test(arguments: [
        "{{ " + String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000) + " }}",
        "{{ " + Array(repeating: "x", count: 5000).joined(separator: " ~ ") + " }}",
        "{{ x" + String(repeating: ".a", count: 5000) + " }}",
        String(repeating: "{% if x %}", count: 2000) + String(repeating: "{% endif %}", count: 2000),
        "{{ " + String(repeating: "not ", count: 5000) + "x }}",
        "{{ " + String(repeating: "-", count: 5000) + "1 }}",
    ])
    func deepNestingIsRefusedNotAStackOverflow(source: String) {
        guard case .unsupported(let message, _)? = loadError(source) else {
            Issue.record("deep nesting was not refused")
            return
        }
        #expect(message == "nesting deeper than 128 levels")
    }

    @Test func recursiveMacroFailsLikePythonsRecursionLimit() {
        #expect(throws: TemplateError.render("maximum recursion depth exceeded in macro 'm'")) {
            try render("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(0) }}")
        }
    }

    @Test(arguments: [
        "{{ -(-9223372036854775807 - 1) }}", "{{ (-9223372036854775807 - 1) // -1 }}", "{{ 9223372036854775807 + 1 }}",
        "{{ 'ab' * 9223372036854775807 }}", "{{ range(-9223372036854775807, 9223372036854775807)|length }}",
        "{{ 99999999999999999999 }}",
    ])
    func integerOverflowIsAnErrorNotACrash(source: String) {
        #expect(throws: TemplateError.self) { try render(source) }
    }

    /// Random template-shaped text: loading either succeeds or throws, never crashes.
    @Test func arbitraryInputNeverCrashesTheParser() {
        let pieces = [
            "{{", "}}", "{%", "%}", "{#", "#}", "-", "+", " ", "\n", "if", "for", "in", "endif", "endfor", "set", "=",
            "macro", "endmacro", "x", "'s'", "\"", "(", ")", "[", "]", "{", "}", ".", "|", "trim", "is", "not", "1", "2.5",
            ",", ":", "~", "raw", "endraw", "else", "elif", "é", "\\", "loop", "call", "caller", "filter",
        ]
        var generator = SeededGenerator(seed: 15)
        for _ in 0..<20_000 {
            let count = Int(generator.next() % 24) + 1
            let source = (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined()
            if let template = try? Template(source: source) {
                _ = try? template.render(Dict([("x", .list([.int(1)]))]))
            }
        }
    }
}
