/// What a `for` walks: values, or a list of the request read in place
/// rather than copied into an array (which the loop state then held to the end of the render).
enum LoopItems {
    case values([Value])
    case request(RequestReference)

    var count: Int {
        switch self {
        case .values(let items): items.count
        case .request(let list): list.count
        }
    }

    var isEmpty: Bool { count == 0 }

    /// The item at `position`, which is below `count`.
    subscript(position: Int) -> Value {
        switch self {
        case .values(let items): items[position]
        case .request(let list): list.element(position) ?? .none
        }
    }
}
