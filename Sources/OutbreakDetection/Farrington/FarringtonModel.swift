import Foundation

/// The reference data of one time point and the quasi-Poisson models fitted to it, shared by the
/// original and the flexible Farrington algorithms.
struct FarringtonData: Sendable {
    /// The reference counts.
    var response: [Double]
    /// Their time (R's 1-based index), the covariate of the trend.
    var wtime: [Double]
    /// Their population (1 where none was given).
    var population: [Double]
    /// Their seasonal block (R's `seasgroups`), when the model has a seasonal factor.
    var seasonalGroups: [Int]?
}

/// Which terms the model has (R builds the formula with `formulaGLM`).
struct FarringtonModelTerms: Sendable, Equatable {
    var trend: Bool
    var populationOffset: Bool
    var seasonalFactor: Bool
}

/// A fitted model with its dispersion `phi = max(1, Pearson dispersion)`.
struct FarringtonFit: Sendable {
    let glm: QuasiPoissonGLM
    let phi: Double
    let terms: FarringtonModelTerms
    /// The levels of the seasonal factor, in R's order (sorted); the first is the reference level.
    let levels: [Int]
    /// The dispersion that R's `summary.glm` and `predict.glm` see for this model.
    ///
    /// Normally the Pearson estimate. But `algo.farrington.fitGLM.flexible` stores the reweighting
    /// weights `omega` in `model$weights`, where `glm` keeps its working weights; `summary.glm` then
    /// computes `sum(omega·r²)/df` with the working residuals `r = (y - mu)/mu`. That value, not
    /// `phi`, scales the trend test and the prediction's standard error in `farringtonFlexible`.
    let summaryDispersion: Double

    /// The model-matrix row of a new time point.
    func row(wtime: Double, seasonalGroup: Int) -> [Double] {
        var x: [Double] = [1]
        if terms.trend { x.append(wtime) }
        if terms.seasonalFactor {
            for level in levels.dropFirst() { x.append(level == seasonalGroup ? 1 : 0) }
        }
        return x
    }
}

enum FarringtonModel {
    /// R's `max(x, 1)` (NaN stays NaN).
    static func atLeastOne(_ x: Double) -> Double { x.isNaN ? .nan : max(x, 1) }

    /// Fits `response ~ 1 [+ wtime] [+ offset(log(population))] [+ seasgroups]`.
    static func fit(
        _ data: FarringtonData, terms: FarringtonModelTerms, weights: [Double]? = nil, index: Int
    ) throws(OutbreakDetectionError) -> (glm: QuasiPoissonGLM, levels: [Int]) {
        let n = data.response.count
        var names = ["(Intercept)"]
        var columns: [[Double]] = [[Double](repeating: 1, count: n)]
        if terms.trend {
            names.append("wtime")
            columns.append(data.wtime)
        }
        var levels: [Int] = []
        if terms.seasonalFactor, let groups = data.seasonalGroups {
            levels = Array(Set(groups)).sorted()
            guard levels.count >= 2 else {
                throw .modelFitFailed(index: index, reason: "the seasonal factor has only one level among the reference weeks; use fewer periods")
            }
            for level in levels.dropFirst() {
                names.append("seasgroups\(level)")
                columns.append(groups.map { $0 == level ? 1 : 0 })
            }
        }
        let offset = terms.populationOffset ? data.population.map { log($0) } : nil
        do {
            let glm = try QuasiPoissonGLM.fit(
                design: QuasiPoissonGLM.Design(names: names, columns: columns),
                y: data.response, weights: weights, offset: offset)
            return (glm, levels)
        } catch {
            switch error {
            case .noValidCoefficients: throw .modelFitFailed(index: index, reason: "no valid set of coefficients has been found")
            case .cannotCorrectStepSize: throw .modelFitFailed(index: index, reason: "the step size could not be corrected")
            case let .invalidInput(text): throw .modelFitFailed(index: index, reason: text)
            }
        }
    }

    /// R's `anscombe.residuals(m, phi)`: `3/2·(y^(2/3)·mu^(-1/6) - mu^(1/2)) / sqrt(phi·(1 - h))`.
    static func anscombeResiduals(_ glm: QuasiPoissonGLM, phi: Double) -> [Double] {
        let hat = glm.hatValues()
        return glm.y.indices.map { i in
            let y = glm.y[i], mu = glm.mu[i]
            let a = 3.0 / 2.0 * (pow(y, 2.0 / 3.0) * pow(mu, -1.0 / 6.0) - pow(mu, 1.0 / 2.0))
            return a / (phi * (1 - hat[i])).squareRoot()
        }
    }

    /// R's `algo.farrington.assign.weights(s, weightsThreshold)`: weights `gamma·s⁻²` above the
    /// threshold and `gamma` otherwise, with `gamma` making them sum to the number of values.
    static func weights(_ s: [Double], threshold: Double) -> [Double] {
        var denominator = 0.0
        for v in s { denominator += v > threshold ? pow(v, -2) : 1 }
        let gamma = Double(s.count) / denominator
        return s.map { $0 > threshold ? gamma * pow($0, -2) : gamma }
    }

    /// A fit followed, if asked, by the refit with Anscombe-residual weights (the common core of R's
    /// fitting functions). `firstTerms` is the model of the first fit, `reweightTerms` that of the refit.
    static func reweighted(
        _ data: FarringtonData, first: (glm: QuasiPoissonGLM, levels: [Int]), reweightTerms: FarringtonModelTerms,
        firstTerms: FarringtonModelTerms, reweight: Bool, weightsThreshold: Double, index: Int,
        replacesWorkingWeights: Bool = false
    ) throws(OutbreakDetectionError) -> FarringtonFit {
        var phi = atLeastOne(first.glm.pearsonDispersion)
        guard reweight else {
            return FarringtonFit(
                glm: first.glm, phi: phi, terms: firstTerms, levels: first.levels,
                summaryDispersion: first.glm.pearsonDispersion)
        }
        let s = anscombeResiduals(first.glm, phi: phi)
        let omega = weights(s, threshold: weightsThreshold)
        let refit = try fit(data, terms: reweightTerms, weights: omega, index: index)
        phi = atLeastOne(refit.glm.pearsonDispersion)
        let summaryDispersion = replacesWorkingWeights
            ? refit.glm.dispersion(withWeights: omega)
            : refit.glm.pearsonDispersion
        return FarringtonFit(
            glm: refit.glm, phi: phi, terms: reweightTerms, levels: refit.levels, summaryDispersion: summaryDispersion)
    }
}
