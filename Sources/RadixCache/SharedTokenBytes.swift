/// The cache's `TokenBytes` behind one reference, which lookups keep instead
/// of a copy: copying the conformer would retain its own storage (a
/// vocabulary's arrays), which the writer, checking each insert's tokens,
/// retains and releases all the time. Readers and writer would then write
/// the same reference counts on every lookup.
final class SharedTokenBytes: Sendable {
    let tokenBytes: any TokenBytes

    init(_ tokenBytes: any TokenBytes) { self.tokenBytes = tokenBytes }
}
