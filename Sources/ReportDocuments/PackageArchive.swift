import Foundation
import ZIPFoundation

/// The parts of an Office Open XML package, zipped in memory.
struct PackageArchive {
    /// The parts in the order they go into the archive ([Content_Types].xml first, as Office writes it).
    private(set) var parts: [(path: String, data: Data)] = []

    /// Adds the part at `path` (no leading slash).
    mutating func add(_ path: String, _ xml: XMLBuilder) {
        parts.append((path, xml.data))
    }

    /// The ZIP archive of the parts, deflated, each dated `modified`.
    func zipped(modified: Date) throws(ReportDocumentError) -> Data {
        let archive: Archive
        do {
            archive = try Archive(accessMode: .create)
        } catch {
            throw .archive(part: "", reason: "cannot create an in-memory archive: \(error)")
        }
        for part in parts {
            let bytes = part.data
            do {
                try archive.addEntry(
                    with: part.path, type: .file, uncompressedSize: Int64(bytes.count),
                    modificationDate: modified, compressionMethod: .deflate
                ) { position, size in
                    let start = bytes.startIndex + Int(position)
                    let end = min(start + size, bytes.endIndex)
                    return bytes.subdata(in: start..<end)
                }
            } catch {
                throw .archive(part: part.path, reason: "\(error)")
            }
        }
        guard let data = archive.data else { throw .archive(part: "", reason: "the in-memory archive has no data") }
        return data
    }
}
