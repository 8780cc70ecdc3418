import Foundation

/// Where the package's built executables are.
public enum TestProducts {
    /// The folder of the running test bundle (SwiftPM puts the `.xctest`
    /// binary beside the products it built), or `SLIME_PRODUCTS_DIR` when set.
    public static var directory: String {
        if let override = ProcessInfo.processInfo.environment["SLIME_PRODUCTS_DIR"], !override.isEmpty {
            return override
        }
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        return (executable as NSString).deletingLastPathComponent
    }

    /// `name` inside `directory`, or `name` itself when it is already a path.
    public static func path(of name: String) -> String {
        name.contains("/") ? name : directory + "/" + name
    }
}
