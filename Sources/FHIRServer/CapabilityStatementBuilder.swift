import FHIRDefinitions
import FHIRJSON
import FHIRStore

/// The CapabilityStatement served at `/metadata`: exactly the interactions and search parameters that work.
enum CapabilityStatementBuilder {
    static func build(baseURL: String, software: String, version: String, operations: [FHIROperation] = []) -> JSON {
        func describe(_ o: FHIROperation) -> JSON {
            ["name": .string(o.name), "definition": .string(o.definition), "documentation": .string(o.documentation)]
        }
        var resources: [JSON] = []
        for type in ResourceTypes.supported.sorted() {
            var params: [JSON] = []
            for (code, def) in SearchParameters.forType(type).sorted(by: { $0.key < $1.key }) {
                let works: Bool
                switch def.type {
                case .composite: works = CompositeSearch.isSupported(def, on: type)
                case .special: works = false
                default: works = code == "_id" || code == "_lastUpdated" || !def.paths.isEmpty
                }
                guard works else { continue }
                params.append(["name": .string(code), "definition": .string(def.url), "type": .string(def.type.rawValue)])
            }
            let references = SearchParameters.forType(type).filter { $0.value.type == .reference && !$0.value.paths.isEmpty }.keys.sorted()
            var revIncludes: [String] = []
            for other in ResourceTypes.supported.sorted() {
                for (code, def) in SearchParameters.forType(other) where def.type == .reference && !def.paths.isEmpty && def.targets.contains(type) {
                    revIncludes.append("\(other):\(code)")
                }
            }
            var resource: JSON = [
                "type": .string(type),
                "interaction": .array(["read", "vread", "update", "patch", "delete", "history-instance", "history-type", "create", "search-type"].map { ["code": .string($0)] }),
                "versioning": "versioned",
                "readHistory": true,
                "conditionalRead": "full-support",
                "updateCreate": true,
                "conditionalCreate": true,
                "conditionalUpdate": true,
                "conditionalDelete": "multiple",
                "referencePolicy": ["literal", "logical", "enforced", "local"],
                "searchInclude": .array(references.map { .string("\(type):\($0)") }),
                "searchRevInclude": .array(revIncludes.sorted().map { .string($0) }),
                "searchParam": .array(params),
            ]
            // One entry per operation, also when it works at type and at instance level (`$validate`).
            var listed = Set<String>()
            let typeOperations = operations.filter { $0.resourceType == type && listed.insert($0.name + " " + $0.definition).inserted }
            if !typeOperations.isEmpty, case .object(var o) = resource {
                o["operation"] = .array(typeOperations.map(describe))
                resource = .object(o)
            }
            resources.append(resource)
        }
        let common: [JSON] = ["_count", "_sort", "_include", "_revinclude", "_summary", "_elements", "_total", "_has"].map { ["name": .string($0), "type": "special"] }
        return [
            "resourceType": "CapabilityStatement",
            "status": "active",
            "date": .string(String(Instant.now().iso.prefix(10))),
            "publisher": "Densauluq",
            "kind": "instance",
            "software": ["name": .string(software), "version": .string(version)],
            "implementation": ["description": "Densauluq FHIR core", "url": .string(baseURL)],
            "fhirVersion": "4.0.1",
            "format": ["json", "application/fhir+json"],
            "rest": [[
                "mode": "server",
                "resource": .array(resources),
                "interaction": [["code": "transaction"], ["code": "batch"], ["code": "history-system"]],
                "searchParam": .array(common),
                // Compartment search: `Patient/[id]/[type]`.
                "compartment": ["http://hl7.org/fhir/CompartmentDefinition/patient"],
                "operation": .array(operations.filter { $0.level == .system }.map(describe)),
            ]],
        ]
    }
}
