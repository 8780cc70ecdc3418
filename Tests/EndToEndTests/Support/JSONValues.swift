import Foundation
import TestSupport

/// JSON values as the tests compare them: numbers of any JSON spelling as
/// `Double` or `Int`, and the router's error bodies.

/// The response body as a JSON object (`jsonObject` under this target's name).
func object(_ response: HTTPTestResponse) throws -> [String: Any] {
    try jsonObject(response)
}

/// Whether the error body has the router's shape `{"error": {"message": ...}}`.
func isJSONError(_ response: HTTPTestResponse) -> Bool {
    errorMessage(response) != nil
}

func number(_ value: Any?) -> Double? {
    (value as? NSNumber)?.doubleValue
}

func ints(_ value: Any?) -> [Int]? {
    numbers(value, \.intValue)
}

func doubles(_ value: Any?) -> [Double]? {
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
func jsonString(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
    let array = String(decoding: data, as: UTF8.self)
    return String(array.dropFirst().dropLast())
}
