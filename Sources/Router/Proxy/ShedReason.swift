/// Why a request is answered without reaching a worker, with `Retry-After`:
/// nothing is wrong with it, the router cannot take it now.
enum ShedReason: Equatable {
    /// The router ran out of descriptors, local ports or buffers opening a
    /// worker connection (the detail says which).
    case localResources(String)
    /// It would have waited for a worker, but `--queue-size` requests already do.
    case queueFull
    /// It waited `--queue-timeout` and no worker could take it.
    case queueTimedOut

    var status: Int {
        if case .queueFull = self { return 429 }
        return 503
    }

    var message: String {
        switch self {
        case .localResources: "router is out of local resources; retry shortly"
        case .queueFull: "too many requests are waiting for a worker; retry shortly"
        case .queueTimedOut: "no worker could take the request in time; retry shortly"
        }
    }

    /// The `shed_requests_total` label.
    var metricLabel: String {
        switch self {
        case .localResources: "local_resources"
        case .queueFull: "queue_full"
        case .queueTimedOut: "queue_timeout"
        }
    }
}
