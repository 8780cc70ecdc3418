/// A request's JSON laid out flat for one render: its lists and dicts are
/// ranges of plain index arrays, so the template reads a message's field by
/// an index lookup, and copying a list or dict (a `RequestReference`) retains
/// nothing. Reading a whole request this way replaced converting its objects
/// into `Dict`s: those copies' reference counting was a quarter of a render.
/// Lives as long as the render that reads it (the interpreter holds it).
final class RequestStore {
    enum Node {
        case none
        case bool(Bool)
        case int(Int)
        case double(Double)
        case string(Int32)
        /// `elements[start + i * step]` for `i` in `0 ..< count`: the request's
        /// lists step by 1; a slice of one is a view of its elements, so slicing
        /// in a loop (`messages[loop.index0 + 1:]`) copies none of them.
        case list(start: Int32, count: Int32, step: Int32)
        /// `members[start ..< start + count]`, in the JSON's order, duplicate keys included.
        case dict(start: Int32, count: Int32)
    }
    struct Member {
        /// The key's index in `strings`.
        let key: Int32
        /// `Name.key(of:)` the key: a lookup compares codes first.
        let code: UInt64
        var value: Int32
    }

    // Unchecked: a render runs on one thread, and these only grow (a slice adds a node).
    @exclusivity(unchecked) var nodes = StoreBuffer<Node>(capacity: 256)
    @exclusivity(unchecked) var strings = StoreBuffer<String>(capacity: 128)
    @exclusivity(unchecked) var elements = StoreBuffer<Int32>(capacity: 64)
    @exclusivity(unchecked) var members = StoreBuffer<Member>(capacity: 128)
    /// The keys added so far, found by their bits (see `RequestStore.key(_:)`).
    @exclusivity(unchecked) var keys = StoreBuffer<(bits: (UInt64, UInt64), member: Member)>(capacity: 16)

    init() {}

    deinit {
        nodes.free()
        strings.free()
        elements.free()
        members.free()
        keys.free()
    }

    func key(of member: Int) -> String { strings[Int(members[member].key)] }

    /// The value of `node` as a template sees it: lists and dicts stay references into the store.
    func value(at node: Int32) -> Value {
        switch nodes[Int(node)] {
        case .none: .none
        case .bool(let flag): .bool(flag)
        case .int(let number): .int(number)
        case .double(let number): .double(number)
        case .string(let index): .string(strings[Int(index)])
        case .list, .dict: .request(RequestReference(store: self, node: node))
        }
    }

    /// The value of `node` with its lists and dicts converted, as everything
    /// but the interpreter's in-place readers expects it. A dict keeps a
    /// repeated key's first place and last value, as `json.loads` gives.
    func converted(_ node: Int32) -> Value {
        switch nodes[Int(node)] {
        case .list(let start, let count, let step):
            return .list((0..<Int(count)).map { converted(element($0, start: start, step: step)) })
        case .dict(let start, let count):
            var dict = Dict(capacity: Int(count))
            for position in Int(start)..<Int(start + count) { dict.set(key(of: position), converted(members[position].value)) }
            return .dict(dict)
        default:
            return value(at: node)
        }
    }

    /// The node of the dict `node`'s last member named `name`; nil for a list or a missing key.
    func member(_ name: Name, of node: Int32) -> Int32? {
        guard case .dict(let start, let count) = nodes[Int(node)] else { return nil }
        var position = Int(start + count)
        while position > Int(start) {
            position -= 1
            guard members[position].code == name.key else { continue }
            if Name.keyIsExact(name.key) || sameBytes(key(of: position), name.text) { return members[position].value }
        }
        return nil
    }

    /// The node of the element at `position` of the list starting at `start` by `step`.
    func element(_ position: Int, start: Int32, step: Int32) -> Int32 {
        elements[Int(start) + position * Int(step)]
    }

    /// The list of `positions` of the list `node` (a slice: evenly spaced, in
    /// range), a view of the same elements read in place like the request's.
    func list(_ positions: [Int], of node: Int32) -> Value {
        guard case .list(let start, _, let step) = nodes[Int(node)] else { preconditionFailure("slicing a dict of the request") }
        // Both are places in `elements`, so they fit its Int32 indices; a slice of one element or none needs no step.
        let first = positions.first.map { Int(start) + $0 * Int(step) } ?? 0
        let stride = positions.count > 1 ? (positions[1] - positions[0]) * Int(step) : 1
        return value(at: addNode(.list(start: Int32(first), count: Int32(positions.count), step: Int32(stride))))
    }

    func addNode(_ node: Node) -> Int32 {
        nodes.append(node)
        return Int32(nodes.count - 1)
    }
}

/// A list or dict of the request, read in place from its `RequestStore`.
/// Copying one retains nothing: the store outlives every value of the render,
/// and is reached unretained (calling into it through an unowned reference retained it).
public struct RequestReference {
    private let unretainedStore: Unmanaged<RequestStore>
    let node: Int32

    init(store: RequestStore, node: Int32) {
        unretainedStore = .passUnretained(store)
        self.node = node
    }

    /// The store, for what adds to it or walks it whole (retained for that while).
    var store: RequestStore { unretainedStore.takeUnretainedValue() }

    private var shape: RequestStore.Node { unretainedStore._withUnsafeGuaranteedRef { $0.nodes[Int(node)] } }

    var isDict: Bool {
        if case .dict = shape { true } else { false }
    }

    /// Elements of a list, members of a dict (duplicate keys counted: callers that care convert it).
    var count: Int {
        switch shape {
        case .list(_, let count, _), .dict(_, let count): Int(count)
        default: 0
        }
    }

    /// The converted value: a `.list` or a `.dict`.
    var converted: Value { unretainedStore._withUnsafeGuaranteedRef { $0.converted(node) } }

    /// A dict's last member named `name` (the one a Python dict keeps); nil for a list or a missing key.
    func member(_ name: Name) -> Value? {
        unretainedStore._withUnsafeGuaranteedRef { store in store.member(name, of: node).map(store.value(at:)) }
    }

    /// `body` on a dict's member named `name` when it is a string, where the
    /// store holds it (copying it out retained and released it); nil, calling
    /// nothing, when there is no such member or it is not a string.
    func withString<Result>(member name: Name, _ body: (inout String) -> Result) -> Result? {
        unretainedStore._withUnsafeGuaranteedRef { store in
            guard let member = store.member(name, of: node), case .string(let index) = store.nodes[Int(member)] else { return nil }
            return store.strings.withElement(Int(index), body)
        }
    }

    /// A list's element at `position` (negative from the end, as in Python); nil for a dict or out of range.
    func element(_ position: Int) -> Value? {
        unretainedStore._withUnsafeGuaranteedRef { store in
            guard case .list(let start, let count, let step) = store.nodes[Int(node)] else { return nil }
            let resolved = position < 0 ? position + Int(count) : position
            guard resolved >= 0, resolved < Int(count) else { return nil }
            return store.value(at: store.element(resolved, start: start, step: step))
        }
    }

    /// A list's elements as values (lists and dicts among them still references).
    var elements: [Value] {
        unretainedStore._withUnsafeGuaranteedRef { store in
            guard case .list(let start, let count, let step) = store.nodes[Int(node)] else { return [] }
            return (0..<Int(count)).map { store.value(at: store.element($0, start: start, step: step)) }
        }
    }

    /// A dict's members (positions in `RequestStore.members`) when no key
    /// repeats, so they are its items as they stand; nil otherwise.
    var distinctMembers: Range<Int>? {
        unretainedStore._withUnsafeGuaranteedRef { store in
            guard case .dict(let start, let count) = store.nodes[Int(node)] else { return nil }
            let members = Int(start)..<Int(start + count)
            if members.count > 16 {
                // A tool schema may have thousands of properties: hashed, a pass instead of their square.
                var seen = Set<DictKey>(minimumCapacity: members.count)
                for member in members where !seen.insert(DictKey(text: store.key(of: member))).inserted { return nil }
                return members
            }
            for later in members.dropFirst() {
                for earlier in members.lowerBound..<later
                where store.members[earlier].code == store.members[later].code && sameBytes(store.key(of: earlier), store.key(of: later)) {
                    return nil
                }
            }
            return members
        }
    }
}
