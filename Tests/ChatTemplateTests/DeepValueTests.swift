import ChatTemplate
import JSON
import Testing

/// Values a template builds in a loop can nest without end; freeing or
/// printing one recurses once per level, so nesting is bounded where a value
/// is stored, and printing is bounded as Python's recursion limit bounds it.
/// Each case below overflowed the stack (a crash) before.
@Suite struct DeepValueTests {
    private static let tooDeep = TemplateError.render("{% set %} cannot store lists, tuples and dicts nested deeper than 512 levels")

    @Test(arguments: [
        "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x] %}{% endfor %}done",
        "{% set ns = namespace(x=none) %}{% for i in range(100000) %}{% set ns.x = {'inner': ns.x} %}{% endfor %}done",
        "{% set ns = namespace(x=()) %}{% for i in range(100000) %}{% set ns.x = (ns.x, 1) %}{% endfor %}done",
        "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = {'k': ns.x}.items()|list %}{% endfor %}done",
        "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = {'k': ns.x}.items() %}{% endfor %}done",
        "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set x = [ns.x] %}{% set ns.x = x %}{% endfor %}done",
    ])
    func wrappingAValueInALoopIsARenderError(source: String) {
        #expect(throws: Self.tooDeep) { try render(source) }
    }

    @Test func nestingUpToTheLimitRendersAsJinjaDoes() throws {
        let source = "{% set ns = namespace(x=[]) %}{% for i in range(511) %}{% set ns.x = [ns.x] %}{% endfor %}{{ ns.x }}"
        #expect(try render(source) == String(repeating: "[", count: 512) + String(repeating: "]", count: 512))
    }

    /// A namespace's attributes are checked as `set` checks them, and the error says which stored it.
    @Test(arguments: [
        "{% set ns = namespace(x=[]) %}{% for i in range(511) %}{% set ns.x = [ns.x] %}{% endfor %}{% set n = namespace(y=[ns.x]) %}",
        "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = namespace(a=[ns.x]).a %}{% endfor %}done",
    ])
    func aNamespaceOfATooDeepValueIsARenderError(source: String) {
        #expect(throws: TemplateError.render("namespace() cannot store lists, tuples and dicts nested deeper than 512 levels")) {
            try render(source)
        }
    }

    /// The same list at every level twice over: measured once per list, not once per path (2^500).
    @Test func sharedListsAreMeasuredOnce() {
        let source = "{% set ns = namespace(x=[]) %}{% for i in range(100000) %}{% set ns.x = [ns.x, ns.x] %}{% endfor %}"
        #expect(throws: Self.tooDeep) { try render(source) }
    }

    /// Namespaces are not bounded where they are stored (one may hold itself):
    /// a chain of them is freed one at a time, and printed as jinja2 prints it.
    @Test func aLongChainOfNamespacesIsFreedAndItsReprFailsLikePythons() throws {
        let chain = "{% set ns = namespace(x=none) %}{% for i in range(100000) %}{% set ns.x = namespace(inner=ns.x) %}{% endfor %}"
        #expect(try render(chain + "done") == "done")
        #expect(throws: TemplateError.render("maximum recursion depth exceeded while getting the repr of an object")) {
            try render(chain + "{{ ns.x }}")
        }
    }

    @Test func aNamespaceInsideItselfPrintsAsJinjaDoes() throws {
        let source = "{% set ns = namespace(n=0) %}{% set ns.itself = ns %}{{ ns }}"
        #expect(try render(source) == "<Namespace {'n': 0, 'itself': <Namespace {...}>}>")
    }

    /// The request's values come through the JSON reader, which refuses nesting past 512 levels; up to it, they print.
    @Test func theRequestsDeepestJSONRenders() throws {
        func request(contentDepth: Int) throws -> JSONValue {
            let content = String(repeating: "[", count: contentDepth) + String(repeating: "]", count: contentDepth)
            return try JSONParser.parse(#"{"messages": [{"role": "user", "content": \#(content)}]}"#)
        }
        let templates = ChatTemplates(defaultTemplate: try Template(source: "{{ messages[0].content }}"))
        // The request object, the list and the message take three levels.
        #expect(
            try templates.render(request: request(contentDepth: 509)) == String(repeating: "[", count: 509)
                + String(repeating: "]", count: 509))
        #expect(throws: (any Error).self) { try request(contentDepth: 510) }
    }
}
