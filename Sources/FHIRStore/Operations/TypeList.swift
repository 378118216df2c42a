extension Repository {
    /// A `_type` parameter (`Observation,Encounter`) of an operation: the types in order, each supported and, with
    /// `patientData`, in the Patient compartment; each problem is an issue located at `parameter`.
    func typeList(_ value: String, parameter: String, patientData: Bool) -> (types: [String], issues: [OutcomeIssue]) {
        var types: [String] = []
        var issues: [OutcomeIssue] = []
        for t in value.split(separator: ",").map({ String($0).trimmingCharacters(in: .whitespaces) }) {
            do throws(FHIRError) {
                try checkType(t)
                if patientData, !AccessScope.isPatientData(t) {
                    throw FHIRError(400, "invalid", "\(t) is not in the Patient compartment", expression: parameter)
                }
                types.append(t)
            } catch {
                issues += error.issues.map { var i = $0; i.expression = parameter; return i }
            }
        }
        return (types, issues)
    }
}

import Foundation
