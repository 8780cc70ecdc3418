/// The first index of `0..<count` at which `isBelow` is false, for an
/// `isBelow` true up to some index and false from there on: the binary
/// search behind every lookup by key or position among children.
func partitionPoint(count: Int, _ isBelow: (Int) -> Bool) -> Int {
    var low = 0, high = count
    while low < high {
        let middle = (low + high) / 2
        if isBelow(middle) { low = middle + 1 } else { high = middle }
    }
    return low
}
