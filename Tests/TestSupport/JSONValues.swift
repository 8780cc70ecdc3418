import Foundation

/// JSON values as the tests compare them: numbers of any JSON spelling as
/// `Double` or `Int`, and Swift strings as JSON string literals.

public func number(_ value: Any?) -> Double? {
    (value as? NSNumber)?.doubleValue
}

public func ints(_ value: Any?) -> [Int]? {
    numbers(value, \.intValue)
}

public func doubles(_ value: Any?) -> [Double]? {
    numbers(value, \.doubleValue)
}

/// A JSON array whose every element is a number, each converted; nil otherwise.
private func numbers<T>(_ value: Any?, _ convert: (NSNumber) -> T) -> [T]? {
    guard let list = value as? [Any] else { return nil }
    var result: [T] = []
    for item in list {
        guard let number = item as? NSNumber else { return nil }
        result.append(convert(number))
    }
    return result
}

/// A Swift string as a JSON string literal.
public func jsonString(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
    let array = String(decoding: data, as: UTF8.self)
    return String(array.dropFirst().dropLast())
}
