/// Middlewares' own state for one request, each kept under its own type:
/// a middleware stores an instance of a class of its own, so no two can
/// clash and none reads back a value of a type it did not store. Being a
/// class, the state is changed in place (a stream's state grows with each
/// piece without being copied).
public struct MiddlewareState {
    private var states: [ObjectIdentifier: AnyObject] = [:]

    public subscript<State: AnyObject>(_ type: State.Type) -> State? {
        // The key is the type itself: what is stored under it is a `State`.
        get { states[ObjectIdentifier(type)].map { unsafeDowncast($0, to: State.self) } }
        set { states[ObjectIdentifier(type)] = newValue }
    }
}
