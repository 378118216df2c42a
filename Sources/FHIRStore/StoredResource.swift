import FHIRJSON

/// A resource version as stored: its JSON (with `meta.versionId` and `meta.lastUpdated` set) and its bookkeeping.
public struct StoredResource: Sendable {
    public var type: String
    public var id: String
    public var versionId: Int
    public var lastUpdated: String
    public var deleted: Bool
    public var json: JSON
    /// The row this version was read from, when it was read locked for update in a transaction
    /// (`StoreTransaction.scan(forUpdate:)`, `readForUpdate`): a write based on it need not read it again.
    var row: (seq: Int64, compartment: String?)? = nil

    /// The weak ETag of this version, `W/"3"`.
    public var etag: String { "W/\"\(versionId)\"" }
    /// `Type/id/_history/v`
    public var versionedReference: String { "\(type)/\(id)/_history/\(versionId)" }
}

/// A current version as its stored JSON text (which already carries `meta.versionId` and `meta.lastUpdated`).
public struct StoredText: Sendable {
    public var type: String
    public var id: String
    public var versionId: Int
    public var lastUpdated: String
    public var deleted: Bool
    public var content: String

    public var etag: String { "W/\"\(versionId)\"" }
}

/// The outcome of a create or update.
public struct WriteOutcome: Sendable {
    public var resource: StoredResource
    /// true when a new resource was created (HTTP 201), false for an update (200).
    public var created: Bool
    /// true when nothing was written because an equal resource exists (conditional create or a no-change update).
    public var unchanged: Bool
}
