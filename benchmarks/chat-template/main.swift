// Our side of compare.sh: built with swiftc together with Sources/ChatTemplate
// (and Sources/JSON), so it does not depend on the rest of the package.
// Parses the template once, renders the request many times; prints one JSON line.
import Foundation
import JSON

let arguments = CommandLine.arguments
guard arguments.count == 6, let rounds = Int(arguments[4]), let perRound = Int(arguments[5]) else {
    print("usage: render-throughput TEMPLATE REQUEST RENDERING_OUT ROUNDS RENDERS_PER_ROUND")
    exit(2)
}
let source = try String(contentsOfFile: arguments[1], encoding: .utf8)
let request = try JSONParser.parse([UInt8](FileManager.default.contents(atPath: arguments[2])!))
let parseStart = Date()
let templates = ChatTemplates(defaultTemplate: try Template(source: source))
let parseSeconds = Date().timeIntervalSince(parseStart)
let text = try templates.render(request: request)
try text.write(toFile: arguments[3], atomically: true, encoding: .utf8)
var best = Double.infinity
for _ in 0..<rounds {
    let start = Date()
    for _ in 0..<perRound { _ = try templates.render(request: request) }
    best = min(best, Date().timeIntervalSince(start) / Double(perRound))
}
print(#"{"render_s": \#(best), "parse_s": \#(parseSeconds), "bytes": \#(text.utf8.count)}"#)
