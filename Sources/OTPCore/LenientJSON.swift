/// One element of a decoded JSON array that may fail on its own: the array still decodes, and a
/// reader turns each failed element into a finding for that entry while the rest convert.
public struct Lenient<Value: Decodable>: Decodable {
  public let result: Result<Value, any Error>

  public init(from decoder: any Decoder) {
    result = Result { try Value(from: decoder) }
  }
}

extension DecodingError {
  /// What is wrong and where ("'info.digits' is not a whole number"), never the value itself,
  /// which may be a secret. `insideElement` gives the place below the first array index, for a
  /// finding whose origin already names the element of a `Lenient` array.
  public func summary(insideElement: Bool = false) -> String {
    func path(_ allKeys: [any CodingKey]) -> String {
      var keys = allKeys[...]
      if insideElement, let index = keys.firstIndex(where: { $0.intValue != nil }) {
        keys = keys[(index + 1)...]
      }
      var text = ""
      for key in keys {
        if let index = key.intValue {
          text += "[\(index)]"
        } else {
          text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
        }
      }
      return text.isEmpty ? (insideElement ? "it" : "the top level") : "'\(text)'"
    }
    switch self {
    case .keyNotFound(let key, let context):
      return "\(path(context.codingPath + [key])) is missing"
    case .valueNotFound(_, let context):
      return "\(path(context.codingPath)) is null"
    case .typeMismatch(let type, let context):
      return "\(path(context.codingPath)) is not \(Self.describe(type))"
    case .dataCorrupted(let context):
      return context.codingPath.isEmpty ? "it is not valid JSON" : "\(path(context.codingPath)) is not valid"
    @unknown default:
      return "it does not have the expected shape"
    }
  }

  static func describe(_ type: Any.Type) -> String {
    switch type {
    case is String.Type: return "text"
    case is Bool.Type: return "true or false"
    case is Int.Type, is Int64.Type, is UInt64.Type, is Int32.Type: return "a whole number"
    case is Double.Type: return "a number"
    default: return "what the format expects (\(type))"
    }
  }
}
