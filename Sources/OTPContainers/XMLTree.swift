import Foundation

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// One element of a parsed XML document, by local name (namespace prefixes vary between PSKC
/// producers: `pskc:`, none, `xenc11:`), with its attributes, children and text.
public struct XMLTree: Sendable {
  public var name: String
  public var attributes: [String: String]
  public var children: [XMLTree]
  /// The element's own character data, trimmed unless parsed with `trimming: false`.
  public var text: String

  /// The first child named `name`.
  public func child(_ name: String) -> XMLTree? {
    children.first { $0.name == name }
  }

  /// The element at the end of a path of child names.
  public func descendant(_ path: String...) -> XMLTree? {
    path.reduce(Optional(self)) { $0?.child($1) }
  }

  public func all(_ name: String) -> [XMLTree] {
    children.filter { $0.name == name }
  }

  /// Parses `bytes` with Foundation's XMLParser (libxml2 underneath); nil when they are not
  /// well-formed XML. External entities are not resolved. `trimming: false` keeps white space
  /// around text as it is (KeePass values).
  public static func parse(_ bytes: [UInt8], trimming: Bool = true) -> XMLTree? {
    let parser = XMLParser(data: Data(bytes))
    parser.shouldProcessNamespaces = true
    parser.shouldResolveExternalEntities = false
    let builder = Builder(trimming: trimming)
    parser.delegate = builder
    guard parser.parse(), let root = builder.root else { return nil }
    return root
  }

  private final class Builder: NSObject, XMLParserDelegate {
    var stack: [XMLTree] = []
    var root: XMLTree?
    let trimming: Bool

    init(trimming: Bool) { self.trimming = trimming }

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String]
    ) {
      stack.append(XMLTree(name: elementName, attributes: attributes, children: [], text: ""))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
      guard !stack.isEmpty else { return }
      stack[stack.count - 1].text += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
      guard var element = stack.popLast() else { return }
      if trimming { element.text = element.text.trimmingCharacters(in: .whitespacesAndNewlines) }
      if stack.isEmpty {
        root = element
      } else {
        stack[stack.count - 1].children.append(element)
      }
    }
  }
}

extension XMLTree {
  /// The root element's local name and namespace, for recognising a format: the prolog before it
  /// (declaration, comments, processing instructions, a doctype) is stepped over by looking for
  /// where each ends, and XMLParser reads only the root's start tag, without the doctype, so no
  /// entity is expanded while sniffing. Cost grows with the prolog, not with the file; nil when no
  /// start tag is found.
  public static func root(of bytes: [UInt8]) -> (name: String, namespace: String?)? {
    guard let tag = rootStartTag(in: bytes) else { return nil }
    let parser = XMLParser(data: Data(bytes[tag]))
    parser.shouldProcessNamespaces = true
    parser.shouldResolveExternalEntities = false
    let finder = RootFinder()
    parser.delegate = finder
    _ = parser.parse()  // stopped by the finder, or failing at the cut: the root is known either way
    return finder.root
  }

  /// Where the first start tag after the prolog lies, from its `<` to its `>`.
  static func rootStartTag(in bytes: [UInt8]) -> Range<Int>? {
    func find(_ text: String, from start: Int) -> Int? {
      bytes[start...].firstRange(of: Array(text.utf8))?.upperBound
    }
    // XML begins with `<`, after a byte-order mark and white space at most: other files stop here.
    var position = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    guard position < bytes.count, bytes[position] == UInt8(ascii: "<") else { return nil }
    while let open = bytes[position...].firstIndex(of: UInt8(ascii: "<")) {
      let rest = bytes[(open + 1)...]
      if rest.first == UInt8(ascii: "?") {
        guard let after = find("?>", from: open + 2) else { return nil }
        position = after
      } else if rest.starts(with: Array("!--".utf8)) {
        guard let after = find("-->", from: open + 4) else { return nil }
        position = after
      } else if rest.first == UInt8(ascii: "!") {
        // A doctype, with an internal subset in brackets that may hold `>` of its own.
        guard let close = rest.firstIndex(where: { $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "[") }) else { return nil }
        if bytes[close] == UInt8(ascii: "[") {
          guard let subsetEnd = find("]", from: close), let after = find(">", from: subsetEnd) else { return nil }
          position = after
        } else {
          position = close + 1
        }
      } else {
        // The root's start tag: its `>` is the first one outside a quoted attribute value.
        var quote: UInt8?
        for index in rest.indices {
          let byte = bytes[index]
          if let closing = quote {
            if byte == closing { quote = nil }
          } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
            quote = byte
          } else if byte == UInt8(ascii: ">") {
            return open..<(index + 1)
          }
        }
        return nil
      }
    }
    return nil
  }

  private final class RootFinder: NSObject, XMLParserDelegate {
    var root: (name: String, namespace: String?)?

    func parser(
      _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
      attributes: [String: String]
    ) {
      root = (elementName, namespaceURI)
      parser.abortParsing()
    }
  }
}
