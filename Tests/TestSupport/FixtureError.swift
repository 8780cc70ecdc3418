/// A fixture step that went wrong (not a finding about the code under test).
public struct FixtureError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
