/// Appends `values` in one copy where they are contiguous (a match's values
/// are): `append(contentsOf:)` would read them element by element.
func appendCopying<Element>(_ values: some Collection<Element>, to array: inout [Element]) {
    if values.withContiguousStorageIfAvailable({ array.append(contentsOf: $0) }) == nil {
        array.append(contentsOf: values)
    }
}
