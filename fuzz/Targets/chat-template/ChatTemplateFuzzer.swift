import ChatTemplate
import FuzzSupport
import JSON

/// The template lexer and parser on any text, and rendering what they take:
/// a template either loads or is refused with an error, and one that loads
/// renders a chat request (through the request store, as the router renders
/// one) or throws; nothing crashes or hangs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChatTemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let source = String(decoding: input.rest(), as: UTF8.self)
    guard let template = try? Template(source: source) else { return 0 }
    _ = try? ChatTemplates(defaultTemplate: template).render(request: chatRequest)
    return 0
}

/// A conversation with reasoning, a tool call and its result, then enough
/// messages with content parts, and a tool with enough parameters, that
/// reading it grows every buffer of the request store past its first capacity
/// (a node written into a buffer its child had just moved went unseen with a small request).
private let chatRequest: JSONValue = {
    let call: JSONValue = .object([
        ("type", .string("function")),
        ("function", .object([("name", .string("get_weather")), ("arguments", .object([("city", .string("Oslo"))]))])),
    ])
    let parts = (0..<40).map { turn in
        JSONValue.object([
            ("role", .string(turn % 2 == 0 ? "user" : "assistant")),
            (
                "content",
                .array([
                    .object([("type", .string("text")), ("text", .string("part \(turn)"))]),
                    .object([("type", .string("image")), ("url", .string("x"))]),
                ])
            ),
        ])
    }
    let parameters = (0..<40).map { (key: "p\($0)", value: JSONValue.object([("type", .string("string"))])) }
    return .object([
        (
            "messages",
            .array(
                [
                    .object([("role", .string("system")), ("content", .string("Be brief."))]),
                    .object([("role", .string("user")), ("content", .string("Hi <|im_end|> é"))]),
                    .object([
                        ("role", .string("assistant")), ("content", .string("")), ("reasoning_content", .string("…")),
                        ("tool_calls", .array([call])),
                    ]),
                    .object([("role", .string("tool")), ("content", .string("{\"rain\": 0.1}"))]),
                ] + parts)
        ),
        (
            "tools",
            .array([
                .object([
                    ("type", .string("function")),
                    (
                        "function",
                        .object([
                            ("name", .string("get_weather")),
                            ("parameters", .object([("type", .string("object")), ("properties", .object(parameters))])),
                        ])
                    ),
                ])
            ])
        ),
        ("add_generation_prompt", .bool(true)),
    ])
}()
