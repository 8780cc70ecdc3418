/// A worker's base URL, read once per worker (the router keeps one with
/// each) rather than on every request to it: which client serves it, its
/// connection pool, and the path its requests' targets follow.
public final class WorkerAddress: Sendable {
    /// As given, e.g. `http://10.0.0.5:30001` or `https://gpu-3/v1`.
    public let url: String
    /// Starts with `http://`: our own client may serve it.
    let isPlain: Bool
    /// `host[:port]` of a plain URL (user information included): its
    /// connection pool's key.
    let authority: String
    /// The plain URL's own path, which every target it is given follows
    /// (`/v1`); empty when it has none.
    let path: String
    /// Its connection pool, once a request to it found one: later requests
    /// to this worker take it from here instead of hashing the authority
    /// (about 390 instructions a request). Loop thread only, and checked at
    /// each use (`NativeClient.pool(for:)`): unchecked and unsafe.
    @exclusivity(unchecked) nonisolated(unsafe) var knownPool: ConnectionPool?

    public init(_ url: String) {
        self.url = url
        isPlain = PlainHTTPURL.isPlain(url)
        guard isPlain else {
            (authority, path) = ("", "")
            return
        }
        let (authority, path) = PlainHTTPURL.split(url)
        (self.authority, self.path) = (String(authority), String(path))
    }
}
