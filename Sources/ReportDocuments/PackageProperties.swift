import Foundation

/// The parts every package has: the package relationships and the core and extended properties.
enum PackageProperties {
    static let relationshipsNamespace = "http://schemas.openxmlformats.org/package/2006/relationships"
    static let officeDocumentRelationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
    static let coreContentType = "application/vnd.openxmlformats-package.core-properties+xml"
    static let extendedContentType = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
    static let relationshipsContentType = "application/vnd.openxmlformats-package.relationships+xml"
    /// What docProps/app.xml names as the application.
    static let application = "Densauluq"

    /// [Content_Types].xml: the defaults for .rels and .xml, then `overrides` (part name, content type) and the
    /// two property parts.
    static func contentTypes(_ overrides: [(String, String)]) -> XMLBuilder {
        var xml = XMLBuilder()
        xml.element("Types", [("xmlns", "http://schemas.openxmlformats.org/package/2006/content-types")]) { xml in
            xml.empty("Default", [("Extension", "rels"), ("ContentType", relationshipsContentType)])
            xml.empty("Default", [("Extension", "xml"), ("ContentType", "application/xml")])
            for (part, type) in overrides {
                xml.empty("Override", [("PartName", part), ("ContentType", type)])
            }
            xml.empty("Override", [("PartName", "/docProps/core.xml"), ("ContentType", coreContentType)])
            xml.empty("Override", [("PartName", "/docProps/app.xml"), ("ContentType", extendedContentType)])
        }
        return xml
    }

    /// A relationships part listing (id, type, target).
    static func relationships(_ relationships: [(String, String, String)]) -> XMLBuilder {
        var xml = XMLBuilder()
        xml.element("Relationships", [("xmlns", relationshipsNamespace)]) { xml in
            for (id, type, target) in relationships {
                xml.empty("Relationship", [("Id", id), ("Type", type), ("Target", target)])
            }
        }
        return xml
    }

    /// _rels/.rels: the main part and the two property parts.
    static func packageRelationships(mainPart: String) -> XMLBuilder {
        relationships([
            ("rId1", officeDocumentRelationship, mainPart),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties", "docProps/core.xml"),
            ("rId3", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties", "docProps/app.xml"),
        ])
    }

    /// docProps/core.xml: title, author, language and dates.
    static func core(title: String, metadata: DocumentMetadata) -> XMLBuilder {
        let date = metadata.created.formatted(Date.ISO8601FormatStyle())
        var xml = XMLBuilder()
        xml.element("cp:coreProperties", [
            ("xmlns:cp", "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:dcterms", "http://purl.org/dc/terms/"),
            ("xmlns:dcmitype", "http://purl.org/dc/dcmitype/"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ]) { xml in
            if !title.isEmpty { xml.element("dc:title", text: title) }
            if !metadata.author.isEmpty {
                xml.element("dc:creator", text: metadata.author)
                xml.element("cp:lastModifiedBy", text: metadata.author)
            }
            if !metadata.language.isEmpty { xml.element("dc:language", text: metadata.language) }
            xml.element("dcterms:created", [("xsi:type", "dcterms:W3CDTF")], text: date)
            xml.element("dcterms:modified", [("xsi:type", "dcterms:W3CDTF")], text: date)
        }
        return xml
    }

    /// docProps/app.xml: the application, and for a workbook its sheet names.
    static func app(sheetNames: [String] = []) -> XMLBuilder {
        var xml = XMLBuilder()
        xml.element("Properties", [
            ("xmlns", "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"),
            ("xmlns:vt", "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"),
        ]) { xml in
            xml.element("Application", text: application)
            if !sheetNames.isEmpty {
                xml.element("HeadingPairs") { xml in
                    xml.element("vt:vector", [("size", "2"), ("baseType", "variant")]) { xml in
                        xml.element("vt:variant") { $0.element("vt:lpstr", text: "Worksheets") }
                        xml.element("vt:variant") { $0.element("vt:i4", text: String(sheetNames.count)) }
                    }
                }
                xml.element("TitlesOfParts") { xml in
                    xml.element("vt:vector", [("size", String(sheetNames.count)), ("baseType", "lpstr")]) { xml in
                        for name in sheetNames { xml.element("vt:lpstr", text: name) }
                    }
                }
            }
        }
        return xml
    }
}
