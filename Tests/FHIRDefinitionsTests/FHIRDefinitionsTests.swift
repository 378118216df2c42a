import Testing
@testable import FHIRDefinitions

@Suite("Search parameters")
struct SearchParameterTests {
    @Test func patientBirthdateIsADateOnBirthDate() throws {
        let p = try #require(SearchParameters.forType("Patient")["birthdate"])
        #expect(p.type == .date)
        #expect(p.paths == [SearchPath(steps: ["birthDate"])])
        #expect(p.url == "http://hl7.org/fhir/SearchParameter/individual-birthdate")
        #expect(p.expression == "Patient.birthDate")
        #expect(p.base == "Patient")
    }

    @Test func patientNameAndFamily() throws {
        let params = SearchParameters.forType("Patient")
        #expect(params["family"]?.paths == [SearchPath(steps: ["name", "family"])])
        #expect(params["name"]?.type == .string)
        #expect(params["gender"]?.type == .token)
        #expect(params["gender"]?.paths == [SearchPath(steps: ["gender"])])
    }

    @Test func observationValueQuantity() throws {
        let p = try #require(SearchParameters.forType("Observation")["value-quantity"])
        #expect(p.type == .quantity)
        #expect(p.paths.contains(SearchPath(steps: ["valueQuantity"])))
        #expect(p.paths.allSatisfy { $0.steps.last?.hasPrefix("value") == true })
    }

    @Test func observationSubjectTargets() throws {
        let p = try #require(SearchParameters.forType("Observation")["subject"])
        #expect(p.type == .reference)
        #expect(p.targets.contains("Patient"))
        #expect(p.targets.contains("Group"))
        #expect(p.paths == [SearchPath(steps: ["subject"])])
    }

    @Test func observationPatientFiltersByReferenceType() throws {
        let p = try #require(SearchParameters.forType("Observation")["patient"])
        #expect(p.paths == [SearchPath(steps: ["subject"], referenceType: "Patient")])
        #expect(p.targets == ["Patient"])
    }

    @Test func observationDateExpandsTheChoice() throws {
        let p = try #require(SearchParameters.forType("Observation")["date"])
        #expect(p.type == .date)
        #expect(Set(p.paths.map(\.steps)) == [
            ["effectiveDateTime"], ["effectivePeriod"], ["effectiveTiming"], ["effectiveInstant"],
        ])
        #expect(p.expression == "Observation.effective")
    }

    @Test func sharedExpressionKeepsOnlyThisTypesPart() throws {
        // `date` is one SearchParameter shared by many types; each type sees only its own part.
        let p = try #require(SearchParameters.forType("Encounter")["date"])
        #expect(p.expression == "Encounter.period")
        #expect(p.paths == [SearchPath(steps: ["period"])])
    }

    @Test func conditionOnsetDate() throws {
        let p = try #require(SearchParameters.forType("Condition")["onset-date"])
        #expect(p.type == .date)
        #expect(Set(p.paths.map(\.steps)) == [["onsetDateTime"], ["onsetPeriod"]])
    }

    @Test func compositeObservationCodeValueQuantity() throws {
        let p = try #require(SearchParameters.forType("Observation")["code-value-quantity"])
        #expect(p.type == .composite)
        #expect(p.paths == [SearchPath(steps: [])])
        #expect(p.components.count == 2)
        #expect(p.components.first?.paths == [SearchPath(steps: ["code"])])
        #expect(p.components.last?.paths == [SearchPath(steps: ["valueQuantity"])])
        #expect(p.components.first?.definitionURL == "http://hl7.org/fhir/SearchParameter/clinical-code")
    }

    @Test func commonParametersAreOnEveryType() throws {
        for type in ["Patient", "Observation", "Bundle"] {
            let params = SearchParameters.forType(type)
            for code in ["_id", "_lastUpdated", "_tag", "_profile", "_security", "_source", "_content"] {
                #expect(params[code] != nil, "\(type) lacks \(code)")
            }
            #expect(params["_query"] == nil)
        }
        let params = SearchParameters.forType("Patient")
        #expect(params["_id"]?.paths == [SearchPath(steps: ["id"])])
        #expect(params["_lastUpdated"]?.paths == [SearchPath(steps: ["meta", "lastUpdated"])])
        #expect(params["_tag"]?.paths == [SearchPath(steps: ["meta", "tag"])])
        #expect(params["_tag"]?.base == "Resource")
        // _text is defined on DomainResource; Bundle is not a DomainResource.
        #expect(params["_text"] != nil)
        #expect(SearchParameters.forType("Bundle")["_text"] == nil)
    }

    @Test func castsAndUnionsTranslate() throws {
        let conceptMap = try #require(SearchParameters.forType("Composition")["related-id"])
        #expect(conceptMap.paths == [SearchPath(steps: ["relatesTo", "targetIdentifier"])])
        let textParam = try #require(SearchParameters.forType("Observation")["value-string"])
        #expect(Set(textParam.paths) == [
            SearchPath(steps: ["valueString"]), SearchPath(steps: ["valueCodeableConcept", "text"]),
        ])
        let encounterPractitioner = try #require(SearchParameters.forType("Encounter")["practitioner"])
        #expect(encounterPractitioner.paths == [
            SearchPath(steps: ["participant", "individual"], referenceType: "Practitioner"),
        ])
    }

    @Test func unknownTypeHasNoParameters() {
        #expect(SearchParameters.forType("NoSuchResource").isEmpty)
    }

    @Test func untranslatedWhereConditionsAreRecordedNotGuessed() throws {
        let phone = try #require(SearchParameters.forType("Patient")["phone"])
        #expect(phone.paths.isEmpty)
        #expect(phone.expression == "Patient.telecom.where(system='phone')")
        #expect(SearchParameters.untranslated.contains("Patient.phone: Patient.telecom.where(system='phone')"))
        let deceased = try #require(SearchParameters.forType("Patient")["deceased"])
        #expect(deceased.paths.isEmpty)
    }

    @Test func untranslatedCountIsSmall() {
        let list = SearchParameters.untranslated
        print("FHIRDefinitions: \(list.count) untranslated expressions:")
        for line in list { print("  \(line)") }
        #expect(list.count > 0)
        #expect(list.count < 80)
    }

    /// Every produced path is a chain of real properties: each step is an element of the type reached.
    @Test func everyPathIsValidAgainstTheSchema() throws {
        var checked = 0
        for type in ResourceTypes.all.sorted() {
            for (code, p) in SearchParameters.forType(type) {
                for path in p.paths {
                    let end = walk(path.steps, from: type)
                    #expect(end != nil, "\(type).\(code): \(path) is not a schema path")
                    if let ref = path.referenceType {
                        #expect(end == "Reference", "\(type).\(code): \(path) filters a non-reference")
                        #expect(ResourceTypes.all.contains(ref))
                    }
                    checked += 1
                }
                if p.type == .composite, let context = p.paths.first.flatMap({ walk($0.steps, from: type) }) {
                    for component in p.components {
                        for path in component.paths {
                            let contexts = p.paths.compactMap { walk($0.steps, from: type) } + [context]
                            #expect(contexts.contains { walk(path.steps, from: $0) != nil },
                                    "\(type).\(code) component \(path) is not a schema path")
                        }
                    }
                }
            }
        }
        #expect(checked > 1000)
    }

    @Test func everySupportedTypeHasSearchParameters() {
        for type in ResourceTypes.supported {
            let own = SearchParameters.forType(type).values.filter { $0.base == type }
            #expect(!own.isEmpty, "\(type) has no search parameters of its own")
        }
    }

    private func walk(_ steps: [String], from type: String) -> String? {
        var current = type
        for step in steps {
            guard let element = ElementTable.element(step, of: current) else { return nil }
            current = element.type
        }
        return current
    }
}

@Suite("Element table")
struct ElementTableTests {
    @Test func patientElements() throws {
        let patient = try #require(ElementTable.type("Patient"))
        #expect(patient.kind == .resource)
        #expect(patient.required.contains("resourceType"))
        let gender = try #require(patient.elements["gender"])
        #expect(gender.type == "code")
        #expect(gender.enumValues?.contains("female") == true)
        #expect(gender.isArray == false)
        let name = try #require(patient.elements["name"])
        #expect(name.isArray)
        #expect(name.type == "HumanName")
        #expect(patient.elements["birthDate"]?.type == "date")
        #expect(patient.elements["_birthDate"]?.type == "Element")
        #expect(patient.elements["deceasedBoolean"]?.type == "boolean")
        #expect(patient.elements["deceasedDateTime"]?.type == "dateTime")
        #expect(patient.elements["deceased"] == nil)
        #expect(patient.elements["contact"]?.type == "Patient_Contact")
        #expect(patient.elements["contained"]?.type == ElementTable.resourceListTypeName)
        #expect(patient.elements["resourceType"]?.enumValues == ["Patient"])
        #expect(patient.elementOrder.first == "resourceType")
    }

    @Test func backboneAndComplexTypes() throws {
        let contact = try #require(ElementTable.type("Patient_Contact"))
        #expect(contact.kind == .complex)
        #expect(contact.elements["name"]?.type == "HumanName")
        let humanName = try #require(ElementTable.type("HumanName"))
        #expect(humanName.kind == .complex)
        #expect(humanName.elements["given"]?.isArray == true)
        #expect(humanName.elements["given"]?.type == "string")
        #expect(humanName.elements["_given"]?.isArray == true)
        #expect(humanName.elements["use"]?.enumValues?.contains("official") == true)
        let observation = try #require(ElementTable.type("Observation"))
        #expect(observation.elements["valueQuantity"]?.type == "Quantity")
        #expect(observation.elements["effectiveInstant"]?.type == "instant")
        #expect(observation.required == ["code"] || observation.required.contains("code"))
        // An enum on an array is read from `items`.
        #expect(ElementTable.element("when", of: "Timing_Repeat")?.enumValues?.contains("MORN") == true)
        #expect(ElementTable.element("when", of: "Timing_Repeat")?.isArray == true)
    }

    @Test func primitives() throws {
        let date = try #require(ElementTable.type("date"))
        #expect(date.kind == .primitive)
        #expect(date.pattern?.isEmpty == false)
        #expect(date.jsonType == "string")
        #expect(date.elements.isEmpty)
        #expect(ElementTable.type("decimal")?.jsonType == "number")
        #expect(ElementTable.type("boolean")?.jsonType == "boolean")
        #expect(ElementTable.type("positiveInt")?.pattern == "^[1-9][0-9]*$")
        #expect(ElementTable.type("base64Binary")?.kind == .primitive)
        #expect(ElementTable.type("xhtml")?.jsonType == "string")
    }

    @Test func resourceListIsNotATable() {
        #expect(ElementTable.type(ElementTable.resourceListTypeName) == nil)
        #expect(ElementTable.type("NoSuchType") == nil)
    }

    @Test func everySupportedTypeHasADefinition() {
        for type in ResourceTypes.supported {
            #expect(ElementTable.type(type)?.kind == .resource, "\(type) has no resource definition")
        }
    }

    @Test func everyElementTypeExists() {
        for name in ElementTable.typeNames {
            guard let definition = ElementTable.type(name) else { continue }
            for element in definition.elements.values where element.type != ElementTable.resourceListTypeName {
                #expect(ElementTable.type(element.type) != nil, "\(name).\(element.name): unknown type \(element.type)")
            }
        }
    }
}

@Suite("Resource types and compartment")
struct ResourceTypeTests {
    @Test func allResourceTypes() {
        #expect(ResourceTypes.all.count == 146)
        #expect(ResourceTypes.all.contains("Patient"))
        #expect(ResourceTypes.all.contains("Bundle"))
        #expect(!ResourceTypes.all.contains("HumanName"))
        #expect(!ResourceTypes.all.contains("ResourceList"))
        #expect(ResourceTypes.isDomainResource("Patient"))
        #expect(!ResourceTypes.isDomainResource("Bundle"))
        #expect(!ResourceTypes.isDomainResource("Binary"))
        #expect(!ResourceTypes.isDomainResource("Parameters"))
    }

    @Test func supportedTypes() {
        #expect(ResourceTypes.supported.count == 41)
        #expect(Set(ResourceTypes.supported).count == ResourceTypes.supported.count)
        #expect(ResourceTypes.supportedSet.isSubset(of: ResourceTypes.all))
    }

    @Test func patientCompartment() {
        let observation = PatientCompartment.parameters(for: "Observation")
        #expect(observation.contains("subject"))
        #expect(observation.contains("performer"))
        #expect(PatientCompartment.parameters(for: "Patient").first == "{def}")
        #expect(PatientCompartment.parameters(for: "Organization").isEmpty)
        #expect(PatientCompartment.parameters(for: "NoSuchResource").isEmpty)
        #expect(PatientCompartment.parameters(for: "Encounter") == ["patient"])
    }

    @Test func compartmentParametersAreReferenceSearchParameters() {
        for type in PatientCompartment.resourceTypes {
            let params = SearchParameters.forType(type)
            for code in PatientCompartment.parameters(for: type) where code != PatientCompartment.definitionalParameter {
                #expect(params[code]?.type == .reference, "\(type).\(code) is not a reference parameter")
            }
        }
    }
}
