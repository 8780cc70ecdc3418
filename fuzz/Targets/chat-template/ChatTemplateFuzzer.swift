import ChatTemplate
import FuzzSupport
import JSON

/// The template lexer and parser on any text, and rendering what they take:
/// a template either loads or is refused with an error, and one that loads
/// renders a small conversation or throws; nothing crashes or hangs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChatTemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let source = String(decoding: input.rest(), as: UTF8.self)
    guard let template = try? Template(source: source) else { return 0 }
    let messages: JSONValue = .array([
        .object([("role", .string("system")), ("content", .string("Be brief."))]),
        .object([("role", .string("user")), ("content", .string("Hi <|im_end|> é"))]),
        .object([("role", .string("assistant")), ("content", .string("Hello.")), ("reasoning_content", .string("…"))]),
    ])
    guard let conversation = try? Value(json: messages) else { fail("the fixed conversation did not convert") }
    _ = try? template.render(Dict([("messages", conversation), ("add_generation_prompt", .bool(true))]))
    return 0
}
