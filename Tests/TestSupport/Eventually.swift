import Foundation

/// Polls `condition` every 20 ms until it is true or `timeout` seconds have
/// passed; returns whether it became true. The timeout is only an upper
/// bound for waiting, never a measured expectation.
public func eventually(timeout: Double = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    while true {
        if try condition() { return true }
        if Date() >= deadline { return false }
        usleep(20_000)
    }
}
