/// How deeply JSON nests, found by one pass over the bytes (strings skipped), so a file of a
/// million `[` is refused before a decoder recurses into it.
public enum JSONNesting {
  /// True when arrays and objects nest deeper than `limit` anywhere in `bytes`.
  public static func exceeds(_ limit: Int, in bytes: [UInt8]) -> Bool {
    var depth = 0, inString = false, escaped = false
    for byte in bytes {
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      switch byte {
      case UInt8(ascii: "\""): inString = true
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        depth += 1
        if depth > limit { return true }
      case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
      default: break
      }
    }
    return false
  }
}
