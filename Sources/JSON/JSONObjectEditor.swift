/// Rewrites some members of a JSON object and keeps every other byte of the
/// source as it was: a proxy must not drop or reformat fields it does not
/// understand.
public struct JSONObjectEditor: Sendable {
    public let source: [UInt8]
    public let members: [JSONParser.ObjectMember]
    private var replacements: [(range: Range<Int>, bytes: [UInt8])] = []
    private var additions: [[UInt8]] = []

    public init(_ source: [UInt8]) throws(JSONParser.Error) {
        self.source = source
        members = try source.withUnsafeBytes { bytes in
            Result { () throws(JSONParser.Error) in try JSONParser.parseObjectMembers(bytes) }
        }.get()
    }

    /// The value of the last member called `key` (JSON's "last one wins").
    public subscript(key: String) -> JSONValue? {
        members.last { $0.key == key }?.value
    }

    /// How many members are called `key`.
    public func count(of key: String) -> Int {
        members.reduce(0) { $0 + ($1.key == key ? 1 : 0) }
    }

    /// Sets `key` to `value` in place of the last member called `oldKey`
    /// (by default `key` itself), or appends it when there is none.
    public mutating func set(_ key: String, _ value: JSONValue, replacing oldKey: String? = nil) {
        set(key, encoded: value.serialized(), replacing: oldKey)
    }

    /// `set` with a value already written as JSON (by `writeJSONArray`, say).
    public mutating func set(_ key: String, encoded value: [UInt8], replacing oldKey: String? = nil) {
        var member: [UInt8] = []
        member.reserveCapacity(key.utf8.count + value.count + 3)
        writeJSONString(key, to: &member)
        member.append(UInt8(ascii: ":"))
        member += value
        if let target = members.last(where: { $0.key == (oldKey ?? key) }) {
            replacements.append((target.range, member))
        } else {
            additions.append(member)
        }
    }

    /// The edited object.
    public func serialized() -> [UInt8] {
        guard let close = source.lastIndex(of: UInt8(ascii: "}")) else { return source }
        var out: [UInt8] = []
        out.reserveCapacity(source.count + additions.reduce(0) { $0 + $1.count + 1 })
        var position = 0
        for replacement in replacements.sorted(by: { $0.range.lowerBound < $1.range.lowerBound }) {
            out += source[position..<replacement.range.lowerBound]
            out += replacement.bytes
            position = replacement.range.upperBound
        }
        out += source[position..<close]
        for (index, addition) in additions.enumerated() {
            if index > 0 || !members.isEmpty { out.append(UInt8(ascii: ",")) }
            out += addition
        }
        out += source[close...]
        return out
    }
}
