import ChatTemplate
import FuzzSupport
import JSON

/// The template lexer and parser on any text, and rendering what they take:
/// a template either loads or is refused with an error, and one that loads
/// renders a small chat request (through the request store, as the router
/// renders one) or throws; nothing crashes or hangs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChatTemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let source = String(decoding: input.rest(), as: UTF8.self)
    guard let template = try? Template(source: source) else { return 0 }
    let call: JSONValue = .object([
        ("type", .string("function")),
        ("function", .object([("name", .string("get_weather")), ("arguments", .object([("city", .string("Oslo"))]))])),
    ])
    let request: JSONValue = .object([
        ("messages", .array([
            .object([("role", .string("system")), ("content", .string("Be brief."))]),
            .object([("role", .string("user")), ("content", .string("Hi <|im_end|> é"))]),
            .object([("role", .string("assistant")), ("content", .string("")), ("reasoning_content", .string("…")), ("tool_calls", .array([call]))]),
            .object([("role", .string("tool")), ("content", .string("{\"rain\": 0.1}"))]),
        ])),
        ("tools", .array([.object([("type", .string("function")), ("function", .object([("name", .string("get_weather")), ("parameters", .object([]))]))])])),
        ("add_generation_prompt", .bool(true)),
    ])
    _ = try? ChatTemplates(defaultTemplate: template).render(request: request)
    return 0
}
