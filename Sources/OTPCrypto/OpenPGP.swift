import CRNP
import Foundation
import OTPCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// OpenPGP messages encrypted with a password (symmetric, SKESK), as Proton Pass exports, opened
/// with RNP (Debian's librnp), in memory. Nothing of OpenPGP is parsed here.
public enum OpenPGP {
  public enum Failure: Error, Equatable {
    /// No password opens the message's session key.
    case wrongPassword
    /// The message is not OpenPGP, or is damaged.
    case malformed(String)
    /// It decrypts to more than `limit` bytes.
    case tooLarge
  }

  private static let standardErrorLock = NSLock()

  /// Runs `body` with file descriptor 2 pointed at `sink` (when it is one), then restores it.
  static func silencingStandardError<T>(_ sink: Int32, _ body: () -> T) -> T {
    guard sink >= 0 else { return body() }
    standardErrorLock.lock()
    defer { standardErrorLock.unlock() }
    fflush(nil)
    let saved = dup(2)
    guard saved >= 0 else { return body() }
    dup2(sink, 2)
    defer {
      fflush(nil)
      dup2(saved, 2)
      close(saved)
    }
    return body()
  }

  /// The password handed to RNP's callback, which cannot capture it.
  private final class PasswordBox {
    let bytes: [UInt8]
    init(_ password: String) { bytes = Array(password.utf8) }
  }

  /// Decrypts `message` (armoured or binary) with `password`, refusing plain text over `limit` bytes.
  public static func decrypt(_ message: [UInt8], password: String, limit: Int) throws(Failure) -> [UInt8] {
    var ffi: rnp_ffi_t?
    guard rnp_ffi_create(&ffi, "GPG", "GPG") == RNP_SUCCESS, let ffi else { throw .malformed("RNP did not start") }
    defer { rnp_ffi_destroy(ffi) }
    // RNP writes its internal errors (a wrong password's failed checksum) to the FFI's log and to
    // standard error, whatever RNP_LOG_CONSOLE says in Debian's build: both go to /dev/null while
    // it decrypts (a few milliseconds), so that only otpbridge's own message reaches the terminal.
    let devNull = open("/dev/null", O_WRONLY)
    if devNull >= 0 { rnp_ffi_set_log_fd(ffi, devNull) }
    defer { if devNull >= 0 { close(devNull) } }
    let box = PasswordBox(password)
    let context = Unmanaged.passRetained(box)
    defer { context.release() }
    rnp_ffi_set_pass_provider(
      ffi,
      { _, context, _, _, buffer, length in
        guard let context, let buffer else { return false }
        let password = Unmanaged<PasswordBox>.fromOpaque(context).takeUnretainedValue().bytes
        guard password.count < length else { return false }
        for (index, byte) in password.enumerated() { buffer[index] = CChar(bitPattern: byte) }
        buffer[password.count] = 0
        return true
      }, context.toOpaque())
    var input: rnp_input_t?
    var output: rnp_output_t?
    let status: rnp_result_t = message.withUnsafeBufferPointer { bytes in
      guard rnp_input_from_memory(&input, bytes.baseAddress, bytes.count, false) == RNP_SUCCESS,
        rnp_output_to_memory(&output, limit + 1) == RNP_SUCCESS
      else { return rnp_result_t(RNP_ERROR_OUT_OF_MEMORY) }
      return silencingStandardError(devNull) { rnp_decrypt(ffi, input, output) }
    }
    defer {
      if let input { rnp_input_destroy(input) }
      if let output { rnp_output_destroy(output) }
    }
    switch status {
    case rnp_result_t(RNP_SUCCESS): break
    case rnp_result_t(RNP_ERROR_BAD_PASSWORD), rnp_result_t(RNP_ERROR_NO_SUITABLE_KEY), rnp_result_t(RNP_ERROR_DECRYPT_FAILED):
      throw .wrongPassword
    case rnp_result_t(RNP_ERROR_OUT_OF_MEMORY), rnp_result_t(RNP_ERROR_WRITE):
      throw .tooLarge
    default:
      let text = rnp_result_to_string(status).map { String(cString: $0) } ?? "error \(status)"
      throw .malformed("OpenPGP: \(text)")
    }
    var data: UnsafeMutablePointer<UInt8>?
    var length = 0
    guard let output, rnp_output_memory_get_buf(output, &data, &length, false) == RNP_SUCCESS else {
      throw .malformed("OpenPGP: no plain text")
    }
    guard length <= limit else { throw .tooLarge }
    return data.map { Array(UnsafeBufferPointer(start: $0, count: length)) } ?? []
  }
}
