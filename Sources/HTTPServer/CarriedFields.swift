/// The fields of a list (a request's) that every response carries: those
/// called `name`. The list is shared, not filtered into one of its own: the
/// fields are picked out where each head is written, which costs less than
/// the allocation a list of their own took per request.
struct CarriedFields {
    var name = ""
    var headers = HTTPHeaders()

    /// Room they may take in a head (their whole list's, an upper bound).
    var lineBytes: Int { headers.lineBytes }

    func appendLines(to head: inout [UInt8], where isWritten: (_ name: UnsafeBufferPointer<UInt8>) -> Bool) {
        guard !headers.isEmpty else { return }
        headers.appendLines(named: name, to: &head, where: isWritten)
    }
}
