/// xl/sharedStrings.xml: each distinct string once, cells pointing at it by index.
struct XlsxSharedStrings {
    private(set) var strings: [String] = []
    private var indices: [String: Int] = [:]
    /// How many cells use a shared string.
    private(set) var references = 0

    /// The index of `text` (sanitised), adding it if new.
    mutating func index(of text: String) -> Int {
        let clean = XMLText.sanitized(text)
        references += 1
        if let index = indices[clean] { return index }
        strings.append(clean)
        indices[clean] = strings.count - 1
        return strings.count - 1
    }

    func xml() -> XMLBuilder {
        var xml = XMLBuilder()
        xml.element("sst", [
            ("xmlns", XlsxWriter.mainNamespace), ("count", String(references)), ("uniqueCount", String(strings.count)),
        ]) { xml in
            for string in strings {
                xml.element("si") { xml in
                    let space: String? = XMLText.needsPreservedSpace(string) ? "preserve" : nil
                    xml.element("t", [("xml:space", space)], text: string)
                }
            }
        }
        return xml
    }
}
