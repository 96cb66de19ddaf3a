#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The lines of a text file, as places in its buffer: what a reader of one entry a line
/// (otpauth lists, Google transfer links) goes through, without a String or an array per line.
public enum TextLines {
  /// The lines of `text`, ended by LF, CRLF or a lone CR. A file without CR is split with memchr.
  public static func split(_ text: UnsafeBufferPointer<UInt8>) -> [UnsafeBufferPointer<UInt8>] {
    var lines: [UnsafeBufferPointer<UInt8>] = []
    guard let base = text.baseAddress, !text.isEmpty else { return [text] }
    if memchr(base, 0x0d, text.count) == nil {
      var lineStart = 0
      while let newline = memchr(base + lineStart, 0x0a, text.count - lineStart) {
        let end = base.distance(to: newline.assumingMemoryBound(to: UInt8.self))
        lines.append(text.part(lineStart..<end))
        lineStart = end + 1
      }
      if lineStart < text.count { lines.append(text.part(lineStart...)) }
      return lines
    }
    var lineStart = 0
    var index = 0
    while index < text.count {
      if text[index] == 0x0a || text[index] == 0x0d {
        lines.append(text.part(lineStart..<index))
        if text[index] == 0x0d, index + 1 < text.count, text[index + 1] == 0x0a { index += 1 }
        lineStart = index + 1
      }
      index += 1
    }
    if lineStart < text.count { lines.append(text.part(lineStart...)) }
    return lines
  }
}

/// A value shared with threads that only read it: lines pointing into a buffer that outlives them.
public struct UncheckedSendable<Value>: @unchecked Sendable {
  public let value: Value
  public init(_ value: Value) { self.value = value }
}

extension InputFile {
  /// The lines of the file after a UTF-8 byte-order mark, ended by LF, CRLF or a lone CR (line
  /// `n` at index `n - 1`), valid while `body` runs.
  public func withLines<Result>(_ body: (UncheckedSendable<[UnsafeBufferPointer<UInt8>]>) throws -> Result) rethrows -> Result {
    try bytes.withUnsafeBufferPointer { file in
      let start = file.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
      return try body(UncheckedSendable(TextLines.split(file.part(start...))))
    }
  }
}
