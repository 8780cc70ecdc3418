import Testing
import TestSupport
@testable import RadixCache

/// `ChildList` against a plain sorted array, past `ChildList.flatLimit` so
/// that children go into chunks, with many equal keys across chunk edges.
@Suite struct ChildListTests {
    /// Short texts over two letters: their keys repeat (lengths 8 and more
    /// keep only 7 bytes), as siblings' keys do where tokenizations differ.
    func randomText(_ random: inout SeededGenerator, lengths: ClosedRange<Int>) -> [UInt8] {
        (0..<Int.random(in: lengths, using: &random)).map { _ in UInt8.random(in: 97...98, using: &random) }
    }

    func key(of text: [UInt8]) -> UInt64 {
        text.withUnsafeBufferPointer { ChildKey.of($0.baseAddress!, length: $0.count) }
    }

    /// A node told apart by its stamp.
    func node(_ id: Int) -> Node {
        Node(run: .empty, versionRank: 0, origin: .prompt, stamp: UInt64(id), isTerminal: false, lastUsed: 0)
    }

    func ids(_ children: some Collection<Node.Child>) -> [UInt64] { children.map(\.node.stamp) }

    @Test(arguments: 0..<4) func addsReplacesAndFindsChildrenAsASortedArrayDoes(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        var list = ChildList.empty
        var model: [Node.Child] = []
        for id in 0..<400 {
            if !model.isEmpty, Int.random(in: 0..<4, using: &random) == 0 {
                let index = Int.random(in: model.indices, using: &random)
                list = list.replacing(at: index, with: node(id))
                model[index] = Node.Child(key: model[index].key, node: node(id))
            } else {
                let child = Node.Child(key: key(of: randomText(&random, lengths: 1...9)), node: node(id))
                list = list.adding(child)
                model.insert(child, at: model.firstIndex { $0.key > child.key } ?? model.count)
            }
            #expect(ids(list) == ids(model))
        }
        #expect(list.map(\.key) == model.map(\.key))
        #expect(ids(ChildList(model)) == ids(model))

        for _ in 0..<200 {
            let text = randomText(&random, lengths: 0...10) + [0]  // padded: an empty array has no address
            let query = text.withUnsafeBufferPointer { ChildKey.Query($0.baseAddress!, available: $0.count - 1) }
            var found: [UInt64] = []
            list.forEachChild(continuing: query) { found.append($0.takeUnretainedValue().stamp) }
            #expect(found == ids(model.filter { query.admits($0.key) }))
        }
    }

    @Test func aCachedNodeWithHundredsOfChildrenFindsEachOfThem() throws {
        let vocabulary = TestVocabulary.shared
        let cache = RadixCache(tokenBytes: vocabulary)
        // After "p": every printable ASCII byte, then each multi-byte piece, as first tokens.
        var inserted: [(text: String, tokens: [UInt32])] = (32...126).map { byte in
            let text = "p" + String(UnicodeScalar(UInt8(byte))) + " byte"
            return (text, vocabulary.bytewise(text))
        }
        inserted += TestVocabulary.pieces.map { piece in
            ("p\(piece) piece", vocabulary.bytewise("p") + [vocabulary.id(piece)] + vocabulary.bytewise(" piece"))
        }
        for (text, tokens) in inserted { try cache.insert(text, tokens) }
        #expect(cache.currentSnapshot.root.children[0].node.children.count > ChildList.flatLimit)
        for (text, tokens) in inserted {
            #expect(Array(cache.match(text + "!").tokens) == tokens, "\(text)")
        }
    }
}
