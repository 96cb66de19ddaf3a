import Foundation

/// `bytes` as text with each UUID replaced by `uuid-N`, N numbering the distinct UUIDs in order of
/// first appearance: two writes that differ only in the fresh UUIDs they drew compare equal.
public func numberingUUIDs(_ bytes: [UInt8]) throws -> String {
  let text = String(decoding: bytes, as: UTF8.self)
  let pattern = try NSRegularExpression(pattern: "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
  var numbers: [String: Int] = [:]
  var result = ""
  var last = text.startIndex
  for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
    let range = Range(match.range, in: text)!
    let uuid = String(text[range])
    let number = numbers[uuid] ?? numbers.count
    numbers[uuid] = number
    result += text[last..<range.lowerBound] + "uuid-\(number)"
    last = range.upperBound
  }
  return result + text[last...]
}
