import Glibc

/// The process's limit on open file descriptors. Every client connection
/// and every worker connection holds one, and many systems start processes
/// with a soft limit of 1,024: a few hundred concurrent rollouts would use
/// it up, and then no connection to a worker can be opened at all.
public enum OpenFileLimit {
    /// The kernel's own ceiling when the hard limit is unlimited
    /// (`fs.nr_open`'s usual value).
    private static let ceiling: rlim_t = 1 << 20
    /// `RLIM_INFINITY`, all bits set (Swift does not import the macro).
    private static let unlimited = rlim_t.max

    /// Raises the soft limit to the hard limit, as Go's runtime and many
    /// servers do at start. Returns the soft limit before and after.
    @discardableResult
    public static func raiseToHardLimit() -> (before: Int, after: Int) {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return (0, 0) }
        let before = limit.rlim_cur
        let target = limit.rlim_max == unlimited ? ceiling : limit.rlim_max
        if target > before {
            limit.rlim_cur = target
            if setrlimit(resource, &limit) != 0 { limit.rlim_cur = before }
        }
        return (Int(before), Int(limit.rlim_cur))
    }
}
