/// One request to a worker while it runs, whichever client carries it;
/// the caller keeps it to `resume()` or `cancel()`.
public protocol UpstreamTransfer: AnyObject {
    /// Continues a transfer paused by `onBody` returning false.
    func resume()
    /// Stops the transfer; no handler is called after this.
    func cancel()
}
