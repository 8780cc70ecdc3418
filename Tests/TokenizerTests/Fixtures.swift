import Foundation
import Testing
import TestSupport
@testable import Tokenizer

/// The tokenizer fixtures built by scripts/setup.sh (make-tokenizer-fixtures.sh)
/// under `.fixtures/tokenizers`, or under `$SLIME_FIXTURES_DIR/tokenizers`.
enum Fixtures {
    static func path(_ name: String) throws -> String { try TokenizerFixtures.path(name) }

    static func json(_ name: String) throws -> Any {
        let data = try Data(contentsOf: URL(fileURLWithPath: try path(name)))
        return try JSONSerialization.jsonObject(with: data)
    }

    /// The differential corpus (texts the oracle encoded).
    static func corpus() throws -> [String] {
        try json("corpus.json") as! [String]
    }

    static func tokenizer(_ name: String) throws -> Tokenizer {
        try Tokenizer.load(directory: try path(name))
    }

    /// The Qwen3-style fixture, loaded once for the tests that only need a tokenizer.
    static let qwen3: Result<Tokenizer, Error> = Result { try tokenizer("qwen3") }
}

/// Oracle ids per corpus text, as written by the fixture script.
func idLists(_ value: Any?) -> [[TokenID]] {
    (value as! [[NSNumber]]).map { $0.map { TokenID($0.uint32Value) } }
}
