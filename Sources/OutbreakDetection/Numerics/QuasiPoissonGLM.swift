import Foundation

/// A generalized linear model of the quasi-Poisson family with log link, fitted by iteratively
/// reweighted least squares exactly as R's `glm.fit` does (starting values `y + 0.1`, the
/// relative-deviance convergence criterion with `epsilon = 1e-8`, at most 25 iterations, step
/// halving on a non-finite deviance, QR with R's limited pivoting at tolerance 1e-11).
struct QuasiPoissonGLM: Sendable {
    /// A model matrix: named columns of equal length.
    struct Design: Sendable {
        var names: [String]
        var columns: [[Double]]
        var rowCount: Int { columns.first?.count ?? 0 }
    }

    enum FitError: Error, Equatable {
        /// R: "no valid set of coefficients has been found: please supply starting values".
        case noValidCoefficients
        /// R: "inner loop 1/2; cannot correct step size".
        case cannotCorrectStepSize
        /// R: "X matrix has rank r, but only n observations" and similar input errors.
        case invalidInput(String)
    }

    /// The coefficients in the order of the design's columns; `nil` for a column dropped as aliased (R's NA).
    let coefficients: [Double?]
    let names: [String]
    let rank: Int
    let converged: Bool
    let boundary: Bool
    let iterations: Int
    let y: [Double]
    /// The fitted means.
    let mu: [Double]
    /// The linear predictor (including the offset).
    let eta: [Double]
    let priorWeights: [Double]
    /// R's `weights(fit, "working")`: `w²` of the last iteration, 0 for rows not used.
    let workingWeights: [Double]
    /// R's working residuals `(y - mu) / (dmu/deta)`.
    let workingResiduals: [Double]
    /// R's `df.residual`: the number of rows with positive prior weight minus the rank.
    let dfResidual: Int
    /// The QR decomposition of the last iteration's weighted model matrix (rows with positive weight).
    let qr: HouseholderQR
    /// The rows used in the last iteration (R's `good`).
    let usedRows: [Int]

    static let epsilon = 1e-8
    static let maximumIterations = 25
    private static let machineEpsilon = Double.ulpOfOne

    private static func linkInverse(_ eta: Double) -> Double { max(exp(eta), machineEpsilon) }

    private static func deviance(_ y: [Double], _ mu: [Double], _ weights: [Double]) -> Double {
        var sum = 0.0
        for i in y.indices {
            let r = y[i] > 0 ? weights[i] * (y[i] * log(y[i] / mu[i]) - (y[i] - mu[i])) : mu[i] * weights[i]
            sum += 2 * r
        }
        return sum
    }

    /// Fits the model; `weights` are R's prior weights, `offset` is added to the linear predictor.
    static func fit(design: Design, y: [Double], weights: [Double]? = nil, offset: [Double]? = nil) throws(FitError) -> QuasiPoissonGLM {
        let n = y.count
        let p = design.columns.count
        guard design.columns.allSatisfy({ $0.count == n }) else { throw .invalidInput("model matrix and response differ in length") }
        guard !y.contains(where: { $0 < 0 }) else { throw .invalidInput("negative values not allowed for the 'quasiPoisson' family") }
        let priorWeights = weights ?? [Double](repeating: 1, count: n)
        let offset = offset ?? [Double](repeating: 0, count: n)
        guard p > 0 else { throw .invalidInput("empty model") }

        func linearPredictor(_ coefficients: [Double]) -> [Double] {
            var eta = [Double](repeating: 0, count: n)
            eta.withUnsafeMutableBufferPointer { eta in
                for j in 0..<p {
                    let c = coefficients[j]
                    design.columns[j].withUnsafeBufferPointer { column in
                        for i in 0..<n { eta[i] += column[i] * c }
                    }
                }
            }
            for i in 0..<n { eta[i] += offset[i] }
            return eta
        }

        var eta = y.map { log($0 + 0.1) }
        var mu = eta.map(linkInverse)
        guard mu.allSatisfy({ $0.isFinite && $0 > 0 }) else { throw .noValidCoefficients }
        var devold = deviance(y, mu, priorWeights)
        var start = [Double](repeating: 0, count: p)
        var coefold: [Double]? = nil
        var converged = false
        var boundary = false
        var iterations = 0
        var lastQR: HouseholderQR? = nil
        var lastGood: [Int] = []
        var lastW: [Double] = []

        for iteration in 1...maximumIterations {
            iterations = iteration
            let muEta = eta.map(linkInverse)
            let good = (0..<n).filter { priorWeights[$0] > 0 && muEta[$0] != 0 }
            guard !good.isEmpty else { converged = false; break }   // "no observations informative"
            var z = [Double](), w = [Double]()
            z.reserveCapacity(good.count); w.reserveCapacity(good.count)
            for i in good {
                z.append((eta[i] - offset[i]) + (y[i] - mu[i]) / muEta[i])
                w.append(((priorWeights[i] * muEta[i] * muEta[i]) / mu[i]).squareRoot())
            }
            let m = good.count
            var matrix = [Double](repeating: 0, count: m * p)
            matrix.withUnsafeMutableBufferPointer { matrix in
                for j in 0..<p {
                    design.columns[j].withUnsafeBufferPointer { column in
                        for r in 0..<m { matrix[j * m + r] = column[good[r]] * w[r] }
                    }
                }
            }
            let qr = HouseholderQR(matrix: matrix, rows: m, columns: p, tolerance: min(1e-7, epsilon / 1000))
            var rhs = z
            for r in 0..<m { rhs[r] *= w[r] }
            let solution = qr.solve(rhs)
            lastQR = qr; lastGood = good; lastW = w
            if solution.contains(where: { !$0.isFinite }) { converged = false; break }   // "non-finite coefficients"
            if n < qr.rank { throw .invalidInput("X matrix has rank \(qr.rank), but only \(n) observations") }
            for (position, column) in qr.pivot.enumerated() { start[column] = solution[position] }
            eta = linearPredictor(start)
            mu = eta.map(linkInverse)
            var dev = deviance(y, mu, priorWeights)
            boundary = false
            if !dev.isFinite {
                guard let previous = coefold else { throw .noValidCoefficients }
                var halvings = 1
                while !dev.isFinite {
                    if halvings > maximumIterations { throw .cannotCorrectStepSize }
                    halvings += 1
                    start = zip(start, previous).map { ($0 + $1) / 2 }
                    eta = linearPredictor(start)
                    mu = eta.map(linkInverse)
                    dev = deviance(y, mu, priorWeights)
                }
                boundary = true
            }
            if !mu.allSatisfy({ $0.isFinite && $0 > 0 }) {
                guard let previous = coefold else { throw .noValidCoefficients }
                var halvings = 1
                while !mu.allSatisfy({ $0.isFinite && $0 > 0 }) {
                    if halvings > maximumIterations { throw .cannotCorrectStepSize }
                    halvings += 1
                    start = zip(start, previous).map { ($0 + $1) / 2 }
                    eta = linearPredictor(start)
                    mu = eta.map(linkInverse)
                }
                boundary = true
                dev = deviance(y, mu, priorWeights)
            }
            if abs(dev - devold) / (abs(dev) + 0.1) < epsilon {
                converged = true
                break
            }
            devold = dev
            coefold = start
        }
        guard let qr = lastQR else { throw .invalidInput("no iteration ran") }
        var coefficients: [Double?] = start.map { Optional($0) }
        if qr.rank < p {
            for position in qr.rank..<p { coefficients[qr.pivot[position]] = nil }
        }
        var workingWeights = [Double](repeating: 0, count: n)
        for (r, i) in lastGood.enumerated() { workingWeights[i] = lastW[r] * lastW[r] }
        let workingResiduals = (0..<n).map { (y[$0] - mu[$0]) / linkInverse(eta[$0]) }
        let usedCount = priorWeights.filter { $0 != 0 }.count
        return QuasiPoissonGLM(
            coefficients: coefficients, names: design.names, rank: qr.rank, converged: converged, boundary: boundary,
            iterations: iterations, y: y, mu: mu, eta: eta, priorWeights: priorWeights,
            workingWeights: workingWeights, workingResiduals: workingResiduals,
            dfResidual: usedCount - qr.rank, qr: qr, usedRows: lastGood)
    }

    /// R's `summary.glm(fit)$dispersion`: the Pearson statistic over the residual degrees of freedom
    /// (NaN without residual degrees of freedom).
    var pearsonDispersion: Double {
        guard dfResidual > 0 else { return .nan }
        var sum = 0.0
        for i in y.indices where workingWeights[i] > 0 {
            sum += workingWeights[i] * workingResiduals[i] * workingResiduals[i]
        }
        return sum / Double(dfResidual)
    }

    /// R's `summary.glm` dispersion computed with other weights in place of the working weights:
    /// `sum(weights·r²)[weights > 0] / df.residual` with the working residuals `r`.
    func dispersion(withWeights weights: [Double]) -> Double {
        guard dfResidual > 0 else { return .nan }
        var sum = 0.0
        for i in y.indices where weights[i] > 0 {
            sum += weights[i] * workingResiduals[i] * workingResiduals[i]
        }
        return sum / Double(dfResidual)
    }

    /// R's `hatvalues(fit)`, one per row (0 for rows not used in the fit).
    func hatValues() -> [Double] {
        let diagonal = qr.hatDiagonal()
        var out = [Double](repeating: 0, count: y.count)
        for (r, i) in usedRows.enumerated() { out[i] = diagonal[r] }
        return out
    }

    /// The position of a named coefficient among the non-aliased, pivoted coefficients.
    private func pivotPosition(of name: String) -> Int? {
        guard let column = names.firstIndex(of: name) else { return nil }
        guard let position = qr.pivot.firstIndex(of: column), position < rank else { return nil }
        return position
    }

    /// The two-sided p-value of a coefficient's t test as R's `summary.glm` reports it for a
    /// quasi family: `2·pt(-|estimate / se|, df.residual)`, with `se` scaled by `dispersion`
    /// (R's estimate: ``pearsonDispersion``).
    func pValue(of name: String, dispersion: Double) -> Double? {
        guard let position = pivotPosition(of: name), let column = names.firstIndex(of: name),
              let estimate = coefficients[column] else { return nil }
        guard dfResidual > 0 else { return .nan }
        let covariance = qr.inverseOfRTR()
        let standardError = (dispersion * covariance[position][position]).squareRoot()
        let t = estimate / standardError
        return StudentT.twoSidedPValue(t, degreesOfFreedom: Double(dfResidual))
    }

    /// The value of a named coefficient, `nil` if absent or aliased.
    func coefficient(_ name: String) -> Double? {
        guard let column = names.firstIndex(of: name) else { return nil }
        return coefficients[column]
    }

    /// Whether the model has a column of this name (R: `name %in% names(coef(fit))`, aliased or not).
    func hasColumn(_ name: String) -> Bool { names.contains(name) }

    /// The prediction at a new row `x` (one value per design column) on the link scale, with its
    /// standard error `sqrt(dispersion · xᵀ(RᵀR)⁻¹x)` (R's `predict.glm(..., se.fit = TRUE, type = "link")`).
    func predictLink(_ x: [Double], offset: Double, dispersion: Double) -> (fit: Double, standardError: Double) {
        var fit = 0.0
        var pivoted = [Double](repeating: 0, count: rank)
        for position in 0..<rank {
            let column = qr.pivot[position]
            fit += x[column] * (coefficients[column] ?? 0)
            pivoted[position] = x[column]
        }
        fit += offset
        let u = qr.solveRTransposed(pivoted)
        var ss = 0.0
        for v in u { ss += v * v }
        return (fit, (ss * dispersion).squareRoot())
    }

    /// The same prediction on the response scale: `exp(fit)` and the delta-method standard error
    /// `se · exp(fit)` (R's `type = "response"`).
    func predictResponse(_ x: [Double], offset: Double, dispersion: Double) -> (fit: Double, standardError: Double) {
        let link = predictLink(x, offset: offset, dispersion: dispersion)
        let muEta = QuasiPoissonGLM.linkInverse(link.fit)
        return (QuasiPoissonGLM.linkInverse(link.fit), link.standardError * abs(muEta))
    }
}
