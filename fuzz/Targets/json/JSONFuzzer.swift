import FuzzSupport
import JSON

/// The JSON parser and the in-place object editor. A parsed value written
/// out reads back as itself; an object edited through `JSONObjectEditor`
/// reads back with the edits made and every other member unchanged.
/// Input: two bytes choosing the edits, then the document.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let edits = (input.byte(), input.byte())
    let document = input.rest()
    if let value = try? JSONParser.parse(document) {
        let written = value.serialized()
        guard let again = try? JSONParser.parse(written) else { fail("own output rejected: \(written)") }
        require(again == value && again.serialized() == written, "round trip changed \(written)")
    }
    guard var editor = try? JSONObjectEditor(document) else { return 0 }
    require(editor.serialized() == document, "an unedited object changed")
    guard case .object(let members)? = try? JSONParser.parse(document) else {
        fail("the editor took what the parser refuses")
    }
    require(members.map(\.key) == editor.members.map(\.key), "members differ")

    // Replace an existing member (possibly under a new name) and add one.
    var expected = members
    if !members.isEmpty {
        let target = members[Int(edits.0) % members.count].key
        let newKey = edits.0 & 0x80 == 0 ? target : "renamed"
        editor.set(newKey, encoded: Array("[1,2]".utf8), replacing: target)
        let last = expected.lastIndex { $0.key == target }!
        expected[last] = (newKey, .array([.int(1), .int(2)]))
    }
    let added = "added\(edits.1 % 4)"
    if !expected.contains(where: { $0.key == added }) {
        editor.set(added, .string("v\u{1}\"\\"))
        expected.append((added, .string("v\u{1}\"\\")))
    }
    let edited = editor.serialized()
    guard let result = try? JSONParser.parse(edited) else { fail("edited object is invalid: \(edited)") }
    require(result == .object(expected), "edit of \(document) gave \(edited)")
    return 0
}
