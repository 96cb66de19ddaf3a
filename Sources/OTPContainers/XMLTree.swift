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
  /// The element's own character data, trimmed.
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
  /// well-formed XML. External entities are not resolved.
  public static func parse(_ bytes: [UInt8]) -> XMLTree? {
    let parser = XMLParser(data: Data(bytes))
    parser.shouldProcessNamespaces = true
    parser.shouldResolveExternalEntities = false
    let builder = Builder()
    parser.delegate = builder
    guard parser.parse(), let root = builder.root else { return nil }
    return root
  }

  private final class Builder: NSObject, XMLParserDelegate {
    var stack: [XMLTree] = []
    var root: XMLTree?

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
      element.text = element.text.trimmingCharacters(in: .whitespacesAndNewlines)
      if stack.isEmpty {
        root = element
      } else {
        stack[stack.count - 1].children.append(element)
      }
    }
  }
}
