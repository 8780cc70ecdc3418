import Testing

/// Every end-to-end suite nests in this one, which runs them one at a time:
/// each test starts its own router and fake workers as child processes, and
/// on a small shared machine several loading the 151K-token vocabulary at
/// once would only make each slower.
@Suite(.serialized) enum EndToEnd {}
