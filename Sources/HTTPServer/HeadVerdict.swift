/// What `HTTPServer.headCheck` decides at a request's head.
public enum HeadVerdict {
    /// Answer this, without reading the body, and close the connection.
    case refuse(HTTPResponse)
    /// Read the body and hand the request on, with `classification` as its
    /// `HTTPRequest.classification`.
    case proceed(classification: Int)
}
