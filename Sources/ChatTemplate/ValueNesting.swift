/// How deep a template may nest lists, tuples and dicts in what it stores.
/// Freeing, printing and comparing a value recurse once per level, so a
/// template that wraps a value in a loop (`{% set ns.x = [ns.x] %}`) would
/// otherwise build something whose release overflows the stack. Only what
/// `set` stores is checked (and `namespace(...)`'s attributes): a value can
/// only grow from one loop iteration to the next through a namespace (a loop's
/// own frame is emptied for each), and one expression adds at most as many
/// levels as the parser lets it nest. (A macro's arguments are not checked:
/// calls nest at most 50 deep, so they add at most 50 expressions' levels.)
enum ValueNesting {
    static let maximumDepth = 512

    /// `value`, or an error when it nests deeper than `maximumDepth`. Namespaces
    /// count as one level: their attributes were checked when set, and a
    /// namespace may hold itself. Inlined, and handing the value on: most
    /// values stored are scalars, namespaces or the request's own. `storer`
    /// names what stores it, for the error.
    @inline(__always)
    static func checked(_ value: consuming Value, storedBy storer: StaticString) throws(TemplateError) -> Value {
        switch value {
        case .list, .tuple, .dict, .iterator: try measure(value, storedBy: storer)
        default: break
        }
        return value
    }

    private static func measure(_ value: Value, storedBy storer: StaticString) throws(TemplateError) {
        var probe = Probe()
        if probe.depth(of: value, within: maximumDepth) > maximumDepth {
            throw .render("\(storer) cannot store lists, tuples and dicts nested deeper than \(maximumDepth) levels")
        }
    }

    /// Measures depth once per container that holds containers: a value that
    /// holds the same list twice, at every level, would otherwise take a walk
    /// per path. Containers are keyed by their storage, which the value being
    /// checked keeps alive. One of scalars (the usual case) is not remembered:
    /// remembering cost more than walking it again.
    private struct Probe {
        private var measuredDicts: [ObjectIdentifier: Int] = [:]
        private var measuredArrays: [UnsafeRawPointer: Int] = [:]

        /// The depth of `value`, or anything above `budget` once it is known to exceed it.
        mutating func depth(of value: Value, within budget: Int) -> Int {
            switch value {
            case .list(let items), .tuple(let items): return depth(of: items, within: budget)
            case .iterator(let lazy): return depth(of: lazy.items, within: budget)
            case .dict(let dict): return depth(of: dict, within: budget)
            // The request's values nest no deeper than the JSON reader allows.
            default: return 0
            }
        }

        private mutating func depth(of items: [Value], within budget: Int) -> Int {
            guard budget > 0 else { return 1 }
            let address = items.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
            if let address, !measuredArrays.isEmpty, let known = measuredArrays[address] { return known }
            var deepest = 0
            for item in items where deepest < budget {
                deepest = max(deepest, depth(of: item, within: budget - 1))
            }
            if let address, deepest > 0 { measuredArrays[address] = deepest + 1 }
            return deepest + 1
        }

        private mutating func depth(of dict: Dict, within budget: Int) -> Int {
            guard budget > 0 else { return 1 }
            if !measuredDicts.isEmpty, let known = measuredDicts[dict.identity] { return known }
            var deepest = 0
            for (key, item) in dict.items where deepest < budget {
                deepest = max(deepest, depth(of: key, within: budget - 1), depth(of: item, within: budget - 1))
            }
            if deepest > 0 { measuredDicts[dict.identity] = deepest + 1 }
            return deepest + 1
        }
    }
}
