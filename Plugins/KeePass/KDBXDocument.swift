import Foundation
import OTPContainers
import OTPCore
import OTPCrypto

/// The XML inside a KeePass database: `KeePassFile/Meta` and `Root/Group`, groups nested in
/// groups, each entry a list of `String` fields (Key, Value). Values marked `Protected="True"` are
/// XORed, in document order, with one inner stream that runs across the whole document.
struct KDBXDocument {
  struct Entry {
    var fields: [String: String]
    /// The entry's group path below the root group ("Work/2FA"), or "" in the root group.
    var group: String
    /// 1 for the first entry of the document (history versions not counted).
    var number: Int
  }

  var entries: [Entry] = []
  /// Entries skipped because they are in the recycle bin.
  var recycled = 0

  static func parse(_ opened: KDBXCrypto.Opened, file: String) throws -> KDBXDocument {
    // Untrimmed: a title or user name may begin or end with a space.
    guard var tree = XMLTree.parse(opened.xml, trimming: false), tree.name == "KeePassFile" else {
      throw KDBXCrypto.damaged("the decrypted database is not KeePass XML", file: file)
    }
    var stream = InnerStream(kind: opened.innerStream, key: opened.innerStreamKey)
    try unprotect(&tree, stream: &stream, file: file)
    guard let root = tree.descendant("Root", "Group") else {
      throw KDBXCrypto.damaged("the database has no root group", file: file)
    }
    let meta = tree.child("Meta")
    let binEnabled = meta?.child("RecycleBinEnabled")?.text.trimmingWhitespace().lowercased() != "false"
    let binUUID = binEnabled ? meta?.child("RecycleBinUUID")?.text.trimmingWhitespace() : nil
    var document = KDBXDocument()
    document.collect(root, path: [], inBin: false, binUUID: binUUID)
    return document
  }

  /// Replaces every protected value's text with its plain text, in document order.
  static func unprotect(_ element: inout XMLTree, stream: inout InnerStream, file: String) throws {
    if element.attributes["Protected"]?.lowercased() == "true" {
      guard let masked = Data(base64Encoded: element.text.trimmingWhitespace()) else {
        throw KDBXCrypto.damaged("a protected value is not base64", file: file)
      }
      element.text = String(decoding: try stream.xor(Array(masked)), as: UTF8.self)
      element.attributes["Protected"] = nil
    }
    for index in element.children.indices {
      try unprotect(&element.children[index], stream: &stream, file: file)
    }
  }

  mutating func collect(_ group: XMLTree, path: [String], inBin: Bool, binUUID: String?) {
    for child in group.children {
      switch child.name {
      case "Entry":
        var fields: [String: String] = [:]
        for field in child.all("String") {
          guard let key = field.child("Key")?.text else { continue }
          fields[key] = field.child("Value")?.text ?? ""
        }
        if inBin {
          recycled += 1
        } else {
          entries.append(Entry(fields: fields, group: path.joined(separator: "/"), number: entries.count + recycled + 1))
        }
      case "Group":
        let isBin = binUUID != nil && child.child("UUID")?.text.trimmingWhitespace() == binUUID
        collect(child, path: path + [child.child("Name")?.text ?? ""], inBin: inBin || isBin, binUUID: binUUID)
      default: continue
      }
    }
  }

  /// The protected values' key stream, made ahead in growing runs (a run from the start again is
  /// the same stream, longer).
  struct InnerStream {
    let kind: KDBXHeader.InnerStream
    let key: [UInt8]
    var pad: [UInt8] = []
    var used = 0

    init(kind: KDBXHeader.InnerStream, key: [UInt8]) {
      self.kind = kind
      self.key = key
    }

    mutating func xor(_ data: [UInt8]) throws -> [UInt8] {
      if used + data.count > pad.count {
        let length = max(2 * pad.count, used + data.count, 4096)
        pad = try KDBXCrypto.innerStreamXOR([UInt8](repeating: 0, count: length), stream: kind, key: key)
      }
      defer { used += data.count }
      return data.indices.map { data[$0] ^ pad[used + $0] }
    }
  }
}

/// Writes the XML of a KDBX 4 database: one entry per account in nested groups, its values
/// escaped, the protected ones XORed with the inner stream as they are written.
struct KDBXDocumentWriter {
  struct Field {
    var key: String
    var value: String
    var protected: Bool
  }

  struct Entry {
    var fields: [Field]
    var group: [String]
  }

  var stream: KDBXDocument.InnerStream
  var xml = ""
  let time: String

  init(stream: KDBXDocument.InnerStream, now: Date) {
    self.stream = stream
    // KDBX 4 times: seconds since 0001-01-01 UTC, as 8 little-endian bytes in base64.
    let seconds = UInt64(max(0, now.timeIntervalSince1970.rounded(.down) + 62_135_596_800))
    time = Data(LittleEndianWriter.bytes(of: seconds, count: 8)).base64EncodedString()
  }

  /// A tree of groups by name, in the order they first appear, each with its entries.
  final class Group {
    let name: String
    var entries: [Entry] = []
    var children: [Group] = []
    var childIndex: [String: Int] = [:]

    init(name: String) { self.name = name }

    func child(_ name: String) -> Group {
      if let index = childIndex[name] { return children[index] }
      childIndex[name] = children.count
      children.append(Group(name: name))
      return children[children.count - 1]
    }
  }

  /// The deepest groups written: a longer path keeps its rest as one group's name ("a/b/…"),
  /// which reads back as the same path, and no reader's XML depth limit is reached.
  static let groupDepth = 32

  mutating func document(_ entries: [Entry], databaseName: String) throws -> [UInt8] {
    let root = Group(name: databaseName)
    for entry in entries {
      var path = entry.group
      if path.count > Self.groupDepth {
        path = Array(path.prefix(Self.groupDepth - 1)) + [path.dropFirst(Self.groupDepth - 1).joined(separator: "/")]
      }
      path.reduce(root) { $0.child($1) }.entries.append(entry)
    }
    xml = "<?xml version=\"1.0\" encoding=\"utf-8\" standalone=\"yes\"?>\n<KeePassFile>\n"
    xml += "\t<Meta>\n"
    element("Generator", "otpbridge", indent: 2)
    element("DatabaseName", databaseName, indent: 2)
    xml += "\t\t<MemoryProtection>\n"
    for (name, on) in [
      ("ProtectTitle", false), ("ProtectUserName", false), ("ProtectPassword", true), ("ProtectURL", false),
      ("ProtectNotes", false),
    ] {
      element(name, on ? "True" : "False", indent: 3)
    }
    xml += "\t\t</MemoryProtection>\n"
    element("RecycleBinEnabled", "False", indent: 2)
    // No recycle bin: the all-zero UUID, as KeePass writes it (pykeepass needs the element).
    element("RecycleBinUUID", "AAAAAAAAAAAAAAAAAAAAAA==", indent: 2)
    xml += "\t</Meta>\n\t<Root>\n"
    try group(root, indent: 2)
    xml += "\t\t<DeletedObjects/>\n\t</Root>\n</KeePassFile>\n"
    return Array(xml.utf8)
  }

  mutating func group(_ group: Group, indent: Int) throws {
    let tabs = String(repeating: "\t", count: indent)
    xml += tabs + "<Group>\n"
    element("UUID", Self.newUUID(), indent: indent + 1)
    element("Name", group.name, indent: indent + 1)
    times(indent: indent + 1)
    element("IsExpanded", "True", indent: indent + 1)
    for entry in group.entries {
      xml += tabs + "\t<Entry>\n"
      element("UUID", Self.newUUID(), indent: indent + 2)
      times(indent: indent + 2)
      for field in entry.fields {
        xml += tabs + "\t\t<String>\n"
        element("Key", field.key, indent: indent + 3)
        if field.protected {
          let masked = try stream.xor(Array(field.value.utf8))
          xml += tabs + "\t\t\t<Value Protected=\"True\">\(Data(masked).base64EncodedString())</Value>\n"
        } else {
          element("Value", field.value, indent: indent + 3)
        }
        xml += tabs + "\t\t</String>\n"
      }
      xml += tabs + "\t</Entry>\n"
    }
    for child in group.children { try self.group(child, indent: indent + 1) }
    xml += tabs + "</Group>\n"
  }

  mutating func times(indent: Int) {
    let tabs = String(repeating: "\t", count: indent)
    xml += tabs + "<Times>\n"
    for name in ["CreationTime", "LastModificationTime", "LastAccessTime", "ExpiryTime", "LocationChanged"] {
      element(name, time, indent: indent + 1)
    }
    element("Expires", "False", indent: indent + 1)
    element("UsageCount", "0", indent: indent + 1)
    xml += tabs + "</Times>\n"
  }

  mutating func element(_ name: String, _ text: String, indent: Int) {
    xml += String(repeating: "\t", count: indent) + "<\(name)>\(text.markupEscaped)</\(name)>\n"
  }

  static func newUUID() -> String {
    Data(Cipher.randomBytes(16)).base64EncodedString()
  }
}
