import CZlib
import OTPCore

/// gzip streams (RFC 1952) through zlib, for formats that compress what they hold (KeePass).
public enum Gzip {
  public enum Failure: Error, Sendable, Equatable {
    /// Not a gzip stream, or one that is damaged or cut short.
    case malformed(String)
    /// It decompresses to more than the limit given (a bomb).
    case tooLarge
  }

  /// The decompressed bytes of one gzip stream, refusing to grow past `limit` bytes.
  public static func decompress(_ bytes: [UInt8], limit: Int) throws(Failure) -> [UInt8] {
    var stream = z_stream()
    // 16 + 15: a gzip header and the largest window.
    guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw .malformed("zlib did not start")
    }
    defer { inflateEnd(&stream) }
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var status = Z_OK
    var input = bytes
    input.withUnsafeMutableBufferPointer { source in
      stream.next_in = source.baseAddress
      stream.avail_in = UInt32(source.count)
      while status == Z_OK {
        chunk.withUnsafeMutableBufferPointer { target in
          stream.next_out = target.baseAddress
          stream.avail_out = UInt32(target.count)
          status = inflate(&stream, Z_NO_FLUSH)
          output.append(contentsOf: target[0..<(target.count - Int(stream.avail_out))])
        }
        if output.count > limit {
          status = Z_MEM_ERROR
          return
        }
        if status == Z_BUF_ERROR, stream.avail_in == 0 { return }
      }
    }
    if output.count > limit { throw .tooLarge }
    guard status == Z_STREAM_END else {
      throw .malformed(status == Z_BUF_ERROR || status == Z_OK ? "the gzip stream is cut short" : "the gzip stream is damaged")
    }
    return output
  }

  /// `bytes` as one gzip stream at zlib's default level.
  public static func compress(_ bytes: [UInt8]) -> [UInt8] {
    var stream = z_stream()
    let started = deflateInit2_(
      &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
      Int32(MemoryLayout<z_stream>.size))
    precondition(started == Z_OK, "zlib did not start")
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
    var input = bytes
    let written: Int = input.withUnsafeMutableBufferPointer { source in
      output.withUnsafeMutableBufferPointer { target in
        stream.next_in = source.baseAddress
        stream.avail_in = UInt32(source.count)
        stream.next_out = target.baseAddress
        stream.avail_out = UInt32(target.count)
        let status = deflate(&stream, Z_FINISH)
        precondition(status == Z_STREAM_END, "zlib's bound was too small")
        return target.count - Int(stream.avail_out)
      }
    }
    output.removeSubrange(written...)
    return output
  }
}
