import Glibc

/// A Python dict: insertion-ordered, keys compared as Python compares them.
/// Small dicts (a message's few fields) are searched linearly; larger ones
/// get a hash index. (The request's own dicts are read in place from its
/// `RequestStore` and become one only when converted.)
public struct Dict {
    /// Everything in one object, so that a dict (and a `Value` holding one) is
    /// a single reference: copying it retains once, and `Value` takes 17 bytes, not 25.
    private var storage: Storage
    /// Changed only through `unique`, so by the one dict that holds it: exclusive by construction.
    private final class Storage {
        /// Entries in insertion order.
        @exclusivity(unchecked) var entries: [Entry]
        @exclusivity(unchecked) var index: [DictKey: Int]?

        init(entries: [Entry] = [], index: [DictKey: Int]? = nil) {
            self.entries = entries
            self.index = index
        }
    }
    /// A struct rather than a tuple: freeing an array of tuples goes through the
    /// runtime's generic tuple destroy, element by element, which costs several
    /// times what a struct's own destroy does.
    fileprivate struct Entry {
        let key: Value
        /// The key's `Name.key` when the key is a string, so a lookup by name
        /// compares integers; `notAString` for other keys.
        let code: UInt64
        var value: Value
    }
    private static let notAString = UInt64.max
    private static let indexedFrom = 12

    private var entries: [Entry] {
        get { storage.entries }
        _modify { yield &unique.entries }
    }
    private var index: [DictKey: Int]? {
        get { storage.index }
        _modify { yield &unique.index }
    }

    /// The storage, copied first if another dict shares it.
    private var unique: Storage {
        mutating get {
            if !isKnownUniquelyReferenced(&storage) {
                storage = Storage(entries: storage.entries, index: storage.index)
            }
            return storage
        }
    }

    public init() { storage = Storage() }

    public init(_ pairs: [(String, Value)]) {
        self.init()
        for (key, value) in pairs { self[.string(key)] = value }
    }

    /// Room for `count` entries, so building a dict of known size allocates once.
    public init(capacity: Int) {
        self.init()
        entries.reserveCapacity(capacity)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [Value] { items.map(\.key) }
    public var values: [Value] { items.map(\.value) }
    /// Which storage the dict holds: the same for its copies until one of them changes.
    var identity: ObjectIdentifier { ObjectIdentifier(storage) }
    /// The entries in order.
    public var items: Items { Items(entries: entries) }

    public struct Items: Sequence {
        fileprivate let entries: [Entry]

        public struct Iterator: IteratorProtocol {
            fileprivate let items: Items
            fileprivate var position = 0

            public mutating func next() -> (key: Value, value: Value)? {
                guard position < items.entries.count else { return nil }
                defer { position += 1 }
                return (items.entries[position].key, items.entries[position].value)
            }
        }

        public func makeIterator() -> Iterator { Iterator(items: self) }
    }

    private static func code(of key: Value) -> UInt64 {
        switch key {
        case .string(let text), .markup(let text): Name.key(of: text)
        default: notAString
        }
    }

    /// The common case (a field of a message): compares key codes, and bytes only when a code is a hash.
    private func position(ofText name: String, code: UInt64) -> Int? {
        for offset in entries.indices where entries[offset].code == code {
            if Name.keyIsExact(code) { return offset }
            switch entries[offset].key {
            case .string(let text), .markup(let text): if sameBytes(text, name) { return offset }
            default: continue
            }
        }
        return nil
    }

    private func position(of name: Name) -> Int? {
        index == nil ? position(ofText: name.text, code: name.key) : position(of: .string(name.text), code: name.key)
    }

    private func position(of key: Value, code: UInt64) -> Int? {
        if index == nil, case .string(let name) = key { return position(ofText: name, code: code) }
        guard let hashed = DictKey(key) else { return nil }
        if let index { return index[hashed] }
        return entries.firstIndex { DictKey($0.key) == hashed }
    }

    public subscript(key: Value) -> Value? {
        get {
            position(of: key, code: Self.code(of: key)).map { entries[$0].value }
        }
        set {
            guard DictKey(key) != nil else { return }
            let code = Self.code(of: key)
            if let position = position(of: key, code: code) {
                if let newValue { entries[position].value = newValue } else { remove(at: position) }
            } else if let newValue {
                entries.append(Entry(key: key, code: code, value: newValue))
                if index != nil { index![DictKey(key)!] = entries.count - 1 } else if entries.count >= Self.indexedFrom { rebuildIndex() }
            }
        }
    }

    public subscript(name: String) -> Value? {
        get { self[.string(name)] }
        set {
            if let newValue { set(name, newValue) } else { self[.string(name)] = nil }
        }
    }

    /// `self[name] = value` for a string key, without the checks other keys
    /// need: how request fields and JSON members go in.
    mutating func set(_ name: String, _ value: Value) {
        let code = Name.key(of: name)
        let existing = index == nil ? position(ofText: name, code: code) : position(of: .string(name), code: code)
        if let existing {
            entries[existing].value = value
            return
        }
        entries.append(Entry(key: .string(name), code: code, value: value))
        if index != nil { index![DictKey(.string(name))!] = entries.count - 1 } else if entries.count >= Self.indexedFrom { rebuildIndex() }
    }

    /// A string key whose code was made ahead (an attribute name in the template).
    subscript(name: Name) -> Value? {
        position(of: name).map { entries[$0].value }
    }

    private mutating func remove(at position: Int) {
        entries.remove(at: position)
        if index != nil { rebuildIndex() }
    }

    private mutating func rebuildIndex() {
        var rebuilt: [DictKey: Int] = [:]
        for (offset, entry) in entries.enumerated() { rebuilt[DictKey(entry.key)!] = offset }
        index = rebuilt
    }
}

/// The hashable form of a dict key. Strings compare and hash by their UTF-8
/// bytes (Swift's own String equality folds canonically equivalent strings,
/// Python's does not); True and 1 are one key, as in Python.
struct DictKey: Hashable {
    private enum Storage {
        case none
        case number(Double)
        case string(String)
    }
    private let storage: Storage

    init(text: String) { storage = .string(text) }

    init?(_ value: Value) {
        switch value {
        case .none: storage = .none
        case .bool(let flag): storage = .number(flag ? 1 : 0)
        case .int(let number): storage = .number(Double(number))
        case .double(let number): storage = .number(number)
        case .string(let text), .markup(let text): storage = .string(text)
        default: return nil
        }
    }

    static func == (lhs: DictKey, rhs: DictKey) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.none, .none): true
        case let (.number(a), .number(b)): a == b
        case let (.string(a), .string(b)): sameBytes(a, b)
        default: false
        }
    }

    func hash(into hasher: inout Hasher) {
        switch storage {
        case .none: hasher.combine(0 as UInt8)
        case .number(let number): hasher.combine(number)
        case .string(var text):
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
        }
    }
}

/// Python string equality: the same code points, so the same UTF-8 bytes.
/// Inlined: most calls (a key against a message's few keys) end in the first two tests.
@inline(__always)
func sameBytes(_ a: String, _ b: String) -> Bool {
    // Identical representations hold identical bytes: Swift keeps a string of
    // up to 15 bytes inline, so two equal keys of a message usually compare here.
    let (aBits, bBits) = (unsafeBitCast(a, to: (UInt64, UInt64).self), unsafeBitCast(b, to: (UInt64, UInt64).self))
    if aBits == bBits { return true }
    // An inline string's spelling is unique to its bytes (zero-filled, its
    // length in the top byte, bit 61 marking it inline): two that differ differ.
    if aBits.1 & bBits.1 & (1 << 61) != 0 { return false }
    return a.utf8.count == b.utf8.count && sameBytesOfEqualLength(a, b)
}

private func sameBytesOfEqualLength(_ a: String, _ b: String) -> Bool {
    let contiguous = a.utf8.withContiguousStorageIfAvailable { left in
        b.utf8.withContiguousStorageIfAvailable { right in left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0 }
    }
    return (contiguous ?? nil) ?? a.utf8.elementsEqual(b.utf8)
}
