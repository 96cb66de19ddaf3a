/// Any JSON value, decoded through a single-value container, unkeyed containers and keyed
/// containers with `allKeys` (Dictionary's own Decodable): what JSONTapeDecoderTests and the `json`
/// fuzz target decode with both JSON decoders to compare them.
///
/// Standard library only: Fuzz/Sources/FuzzSupport/AnyJSON.swift is a symbolic link to this file,
/// since the fuzz package cannot depend on a test target.
public enum AnyJSON: Decodable, Equatable, Sendable {
  case null, bool(Bool), integer(Int64), number(Double), string(String), array([AnyJSON]), object([String: AnyJSON])

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int64.self) {
      self = .integer(value)
    } else if let value = try? container.decode(Double.self) {
      self = .number(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([AnyJSON].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: AnyJSON].self))
    }
  }
}
