/// Output gathered into pieces of 1 MiB or a little more, each ending where an append ended (a
/// row, an account), handed to `write` in order: what the table and the JSON stream print through,
/// so a million accounts go out without one buffer for all of them.
struct OutputPieces<Failure: Error> {
  /// What is not written yet; small pieces of text are appended here directly.
  var bytes: [UInt8] = []
  let write: ([UInt8]) throws(Failure) -> Void

  init(write: @escaping ([UInt8]) throws(Failure) -> Void) {
    self.write = write
    bytes.reserveCapacity(1 << 20 + 65_536)
  }

  /// Appends `part`, and writes what has gathered once it reaches 1 MiB.
  mutating func append(_ part: [UInt8]) throws(Failure) {
    bytes += part
    if bytes.count >= 1 << 20 {
      try write(bytes)
      bytes.removeAll(keepingCapacity: true)
    }
  }

  /// Writes what is left.
  mutating func finish() throws(Failure) {
    if !bytes.isEmpty { try write(bytes) }
    bytes.removeAll()
  }
}
