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

  /// `plain` encrypted with `password` alone (SKESK, iterated and salted S2K with SHA-256, AES-256,
  /// integrity-protected), armoured: what `gpg --symmetric --armor` and OpenPGP.js's password
  /// encryption write.
  public static func encrypt(_ plain: [UInt8], password: String) throws(Failure) -> [UInt8] {
    var ffi: rnp_ffi_t?
    guard rnp_ffi_create(&ffi, "GPG", "GPG") == RNP_SUCCESS, let ffi else { throw .malformed("RNP did not start") }
    defer { rnp_ffi_destroy(ffi) }
    var input: rnp_input_t?
    var output: rnp_output_t?
    var operation: rnp_op_encrypt_t?
    defer {
      if let operation { rnp_op_encrypt_destroy(operation) }
      if let input { rnp_input_destroy(input) }
      if let output { rnp_output_destroy(output) }
    }
    // RNP refuses an input from a null pointer, which an empty array may give.
    let source = plain.isEmpty ? [0] : plain
    let status: rnp_result_t = source.withUnsafeBufferPointer { bytes in
      for step in [
        { rnp_input_from_memory(&input, bytes.baseAddress, plain.count, false) },
        { rnp_output_to_memory(&output, 0) },
        { rnp_op_encrypt_create(&operation, ffi, input, output) },
        // 0 iterations: RNP picks a count that takes it about 150 ms here, as GnuPG does.
        { rnp_op_encrypt_add_password(operation, password, "SHA256", 0, "AES256") },
        { rnp_op_encrypt_set_cipher(operation, "AES256") },
        { rnp_op_encrypt_set_armor(operation, true) },
        { rnp_op_encrypt_execute(operation) },
      ] {
        let result = step()
        guard result == RNP_SUCCESS else { return result }
      }
      return rnp_result_t(RNP_SUCCESS)
    }
    guard status == RNP_SUCCESS else {
      throw .malformed("OpenPGP: \(rnp_result_to_string(status).map { String(cString: $0) } ?? "error \(status)")")
    }
    var data: UnsafeMutablePointer<UInt8>?
    var length = 0
    guard let output, rnp_output_memory_get_buf(output, &data, &length, false) == RNP_SUCCESS, let data else {
      throw .malformed("OpenPGP: no message")
    }
    return Array(UnsafeBufferPointer(start: data, count: length))
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
