import FHIRJSON

extension Repository {
    /// What `$validate` checks a resource as: any resource of the type, or the body of a create or an update.
    public enum ValidationMode: String, Sendable { case general, create, update }

    /// `[type]/$validate` and `[type]/[id]/$validate`: every problem a create (or an update of `id`) of `resource`
    /// would be refused for — the R4 schema, the Kazakhstan identity rules, references to resources that do not
    /// exist, an id that differs from the URL's — without writing anything. Empty when it would be accepted.
    ///
    /// For the vendors of medical information systems: a message can be checked while it is being built,
    /// with the same findings and locations a write would give.
    public func validateOnly(_ resource: JSON, type: String, mode: ValidationMode, id: String?) async throws -> [OutcomeIssue] {
        try checkType(type)
        var issues: [OutcomeIssue] = []
        do throws(FHIRError) { try validate(resource, type: type) } catch { issues += error.issues }
        if mode == .update {
            guard let id else { throw FHIRError(400, "required", "mode=update needs the resource's id: [type]/[id]/$validate", expression: "mode") }
            do throws(FHIRError) { try Self.checkBodyId(resource, id: id) } catch { issues += error.issues }
        }
        // References can only be looked up in a resource that has a shape to walk.
        if case .object = resource {
            do {
                try await database.read { db in try await self.checkReferences(db, [(resource, type)]) }
            } catch let error as FHIRError where error.status == 422 {
                issues += error.issues
            }
        }
        return issues
    }
}
