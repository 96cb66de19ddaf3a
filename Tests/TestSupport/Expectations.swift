import OTPCore
import Testing

/// Expects `read` to be `written`, account by account, in every field but the origin (which
/// names the file each was read from).
public func expectSameAccounts(_ written: [Account], _ read: [Account], sourceLocation: SourceLocation = #_sourceLocation) {
  #expect(read.count == written.count, sourceLocation: sourceLocation)
  for (a, b) in zip(written, read) {
    var moved = b
    moved.origin = a.origin
    #expect(moved == a, "\(a.displayName)", sourceLocation: sourceLocation)
  }
}
