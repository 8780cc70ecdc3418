/// The series of one metric by label value, for a label with few values
/// (routes, outcomes, reasons). Found by comparing strings in order: the
/// value a request passes is mostly a literal, which matches a stored copy
/// of itself on its bits alone, where a dictionary would hash it first.
struct LabelTable<Series> {
    /// In the order added.
    private(set) var entries: [(value: String, series: Series)] = []

    subscript(value: String) -> Series? {
        for entry in entries where entry.value == value { return entry.series }
        return nil
    }

    var values: [Series] { entries.map(\.series) }

    /// Adds a value not in the table yet.
    mutating func add(_ value: String, _ series: Series) {
        entries.append((value, series))
    }

    /// Removes the values `isRemoved` accepts, with their series.
    mutating func removeAll(where isRemoved: (String) -> Bool) {
        entries.removeAll { isRemoved($0.value) }
    }
}
