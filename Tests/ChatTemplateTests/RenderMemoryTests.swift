@testable import ChatTemplate
import Testing

/// What a render leaves behind: nothing. Some values can lead back to
/// themselves (a macro and the frame it is defined in, a namespace stored in
/// itself, `loop.changed` given itself); the render must break those cycles
/// when it ends. Each template keeps what it makes in its top frame or in `ns`.
@Suite struct RenderMemoryTests {
    @Test(arguments: [
        "{% macro greet(name) %}Hi {{ name }}{% endmacro %}{{ greet('you') }}",
        "{% for i in [1, 2] %}{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}{{ twice(i) }}{% endfor %}",
        "{% macro list() %}[{{ caller() }}]{% endmacro %}{% call list() %}item{% endcall %}",
        "{% set ns = namespace(m=none) %}{% macro m() %}m{% endmacro %}{% set ns.m = m %}{% set f = ns.m %}{{ f() }}",
        "{% set ns = namespace(n=0) %}{% set ns.itself = ns %}{{ ns.n }}",
        "{% set ns = namespace(f=none) %}{% for i in [1, 2] %}{% set f = loop.changed %}{% set ns.f = f %}{{ f(f) }}{% endfor %}",
        // The loop's frame is kept for its next run, and holds a macro whose frame (the `with`'s) leads back to it.
        "{% set ns = namespace(f=none) %}{% for i in [1] %}{% with j = i %}{% macro m() %}{{ j }}{% endmacro %}{% set ns.f = m %}{% endwith %}{% set g = ns.f %}{{ g() }}{% endfor %}",
    ])
    func nothingOutlivesTheRender(source: String) throws {
        let template = try Template(source: source)
        var left: [() -> AnyObject?] = []
        do {
            let interpreter = Interpreter(template.program, globals: template.program.globalNames.map { _ in nil })
            try interpreter.execute(template.program.body)
            #expect(!interpreter.output.isEmpty)
            weak let topFrame = interpreter.frame
            left.append { topFrame }
            let namespaceSlot = template.program.rootNames.firstIndex(of: "ns")
            if let namespaceSlot, case .namespace(let namespace) = interpreter.slot(depth: 0, namespaceSlot).pointee {
                weak let held = namespace
                left.append { held }
                for case .function(let function) in namespace.attributes.values {
                    weak let heldFunction = function
                    left.append { heldFunction }
                }
            }
        }
        #expect(left.allSatisfy { $0() == nil })
    }
}
