import Foundation
import Testing
@testable import OutbreakDetection

/// The distribution functions against values printed by R 4.2 (`sprintf("%.17g", ...)`).
@Suite("distributions")
struct DistributionTests {
    static func relativelyClose(_ a: Double, _ b: Double, _ tolerance: Double = 1e-13) -> Bool {
        a == b || abs(a - b) <= tolerance * max(abs(a), abs(b))
    }

    @Test("normal quantile (AS 241) matches qnorm")
    func normalQuantile() {
        #expect(Self.relativelyClose(NormalDistribution.quantile(0.975), 1.9599639845400536))
        #expect(Self.relativelyClose(NormalDistribution.quantile(0.999), 3.0902323061678132))
        #expect(Self.relativelyClose(NormalDistribution.quantile(1e-10), -6.3613409024040557))
        #expect(Self.relativelyClose(NormalDistribution.quantile(0.3), -0.52440051270804067))
        #expect(NormalDistribution.quantile(0.5) == 0)
        #expect(NormalDistribution.quantile(0.5, mean: 3, sd: 2) == 3)
        #expect(NormalDistribution.quantile(0) == -.infinity)
        #expect(NormalDistribution.quantile(1) == .infinity)
        #expect(NormalDistribution.quantile(1.5).isNaN)
    }

    @Test("normal distribution function (Cody) matches pnorm, also far in the tail")
    func normalCDF() {
        #expect(Self.relativelyClose(NormalDistribution.cdf(1.96), 0.97500210485177963))
        #expect(Self.relativelyClose(NormalDistribution.survival(10), 7.6198530241605269e-24))
        #expect(Self.relativelyClose(NormalDistribution.cdf(-3.3), 0.00048342414238377744))
        #expect(Self.relativelyClose(NormalDistribution.cdf(0.2), 0.57925970943910299))
        #expect(NormalDistribution.cdf(-40) == 0)
        #expect(Self.relativelyClose(NormalDistribution.cdf(5, mean: 3, sd: 2), NormalDistribution.cdf(1)))
    }

    @Test("negative binomial and Poisson quantiles match qnbinom and qpois")
    func discreteQuantiles() {
        #expect(DiscreteDistribution.negativeBinomial(size: 2.5, prob: 0.4).quantile(0.95) == 10)
        #expect(DiscreteDistribution.negativeBinomial(size: 2.5, prob: 0.4).quantile(0.05) == 0)
        #expect(DiscreteDistribution.poisson(mean: 3.2).quantile(0.95) == 6)
        #expect(DiscreteDistribution.poisson(mean: 3.2).quantile(0.05) == 1)
        #expect(DiscreteDistribution.negativeBinomial(size: 0.01, prob: 0.5).quantile(0.95) == 0)
        #expect(DiscreteDistribution.negativeBinomial(size: 1e9, prob: 1 / (1 + 1e-8)).quantile(0.99) == 18)
        #expect(DiscreteDistribution.poisson(mean: 10).quantile(0.99) == 18)
        #expect(DiscreteDistribution.poisson(mean: 0).quantile(0.99) == 0)
    }

    @Test("negative binomial and Poisson probabilities and tails match R")
    func discreteProbabilities() {
        let nb = DiscreteDistribution.negativeBinomial(size: 2.5, prob: 0.4)
        #expect(Self.relativelyClose(nb.survival(7), 0.1138892560589391, 1e-12))
        #expect(Self.relativelyClose(nb.probability(3), 0.1434409146652377, 1e-12))
        #expect(Self.relativelyClose(DiscreteDistribution.poisson(mean: 3.2).survival(10), 0.00049716780474925938, 1e-12))
        #expect(Self.relativelyClose(DiscreteDistribution.poisson(mean: 3.2).probability(40), 8.0280805722792896e-30, 1e-12))
        #expect(Self.relativelyClose(DiscreteDistribution.negativeBinomial(size: 3.7, prob: 0.2).cdf(60), 0.99967390383512633, 1e-12))
        #expect(Self.relativelyClose(DiscreteDistribution.poisson(mean: 3.2).survival(50), 1.6211006032071468e-42, 1e-11))
        #expect(DiscreteDistribution.poisson(mean: 3.2).survival(-1) == 1)
    }

    @Test("t test p-values and the incomplete beta function match pt and pbeta")
    func studentT() {
        #expect(Self.relativelyClose(StudentT.twoSidedPValue(-2.1, degreesOfFreedom: 7), 0.073871196212922596, 1e-12))
        #expect(Self.relativelyClose(StudentT.twoSidedPValue(0.3, degreesOfFreedom: 25), 0.76665749365305724, 1e-12))
        #expect(Self.relativelyClose(StudentT.twoSidedPValue(5, degreesOfFreedom: 3), 0.015392438073302296, 1e-12))
        let beta = SpecialFunctions.incompleteBeta(0.3, 2.5, 4)
        #expect(Self.relativelyClose(beta.lower, 0.35219758590676714, 1e-12))
        #expect(Self.relativelyClose(beta.upper, 0.6478024140932328, 1e-12))
    }

    @Test("mean and standard deviation as in R")
    func sampleStatistics() {
        #expect(SampleStatistics.mean([1, 2, 3, 4]) == 2.5)
        #expect(abs(SampleStatistics.standardDeviation([2, 4, 4, 4, 5, 5, 7, 9]) - 2.1380899352993952) < 1e-15)
        #expect(SampleStatistics.standardDeviation([3]).isNaN)
        #expect(SampleStatistics.pmax(0, .nan).isNaN)
    }
}

/// The IRLS fit against `glm(y ~ x, family = quasipoisson)` in R.
@Suite("quasi-Poisson GLM")
struct GLMTests {
    static let y: [Double] = [2, 3, 6, 7, 8, 9, 10, 12, 15]
    static let x: [Double] = (1...9).map(Double.init)

    static func design() -> QuasiPoissonGLM.Design {
        QuasiPoissonGLM.Design(names: ["(Intercept)", "x"], columns: [[Double](repeating: 1, count: 9), x])
    }

    @Test("coefficients, dispersion, p-values, hat values and prediction match R")
    func smallExample() throws {
        let fit = try QuasiPoissonGLM.fit(design: Self.design(), y: Self.y)
        #expect(fit.converged)
        #expect(fit.iterations == 4)
        #expect(DistributionTests.relativelyClose(fit.coefficient("(Intercept)") ?? 0, 0.98184503170316106, 1e-9))
        #expect(DistributionTests.relativelyClose(fit.coefficient("x") ?? 0, 0.19483767838527774, 1e-9))
        #expect(DistributionTests.relativelyClose(fit.pearsonDispersion, 0.20793777128451871, 1e-9))
        #expect(DistributionTests.relativelyClose(fit.pValue(of: "x", dispersion: fit.pearsonDispersion) ?? 0, 5.3602666866712763e-05, 1e-8))
        #expect(DistributionTests.relativelyClose(fit.pValue(of: "(Intercept)", dispersion: fit.pearsonDispersion) ?? 0, 0.00031767690503460089, 1e-8))
        let hat: [Double] = [0.26010583380306662, 0.22577590399879877, 0.1878033264892961, 0.15119222355349884,
                             0.12434003660013106, 0.12049643419520525, 0.1597424588204891, 0.27165689329865383, 0.49888688924086033]
        for (a, b) in zip(fit.hatValues(), hat) { #expect(DistributionTests.relativelyClose(a, b, 1e-9)) }
        let response = fit.predictResponse([1, 10], offset: 0, dispersion: fit.pearsonDispersion)
        #expect(DistributionTests.relativelyClose(response.fit, 18.731785037196776, 1e-9))
        #expect(DistributionTests.relativelyClose(response.standardError, 1.8742887797128436, 1e-9))
        let link = fit.predictLink([1, 10], offset: 0, dispersion: 2)
        #expect(DistributionTests.relativelyClose(link.fit, 2.9302218155559387, 1e-9))
        #expect(DistributionTests.relativelyClose(link.standardError, 0.31031705533509801, 1e-9))
    }

    @Test("prior weights and an offset match R")
    func weightsAndOffset() throws {
        let weights: [Double] = [1, 1, 0.5, 1, 2, 1, 1, 1, 0.3]
        let offset = [1.0, 1, 1, 2, 2, 2, 3, 3, 3].map { log($0) }
        let fit = try QuasiPoissonGLM.fit(design: Self.design(), y: Self.y, weights: weights, offset: offset)
        #expect(DistributionTests.relativelyClose(fit.coefficient("(Intercept)") ?? 0, 1.0961643769767748, 1e-9))
        #expect(DistributionTests.relativelyClose(fit.coefficient("x") ?? 0, 0.042877859732426381, 1e-9))
        #expect(DistributionTests.relativelyClose(fit.pearsonDispersion, 0.31304836255486396, 1e-9))
    }

    @Test("a column that repeats another is dropped as aliased, as R's QR does")
    func aliasedColumn() throws {
        var design = Self.design()
        design.names.append("x2")
        design.columns.append(Self.x.map { 2 * $0 })
        let fit = try QuasiPoissonGLM.fit(design: design, y: Self.y)
        #expect(fit.rank == 2)
        #expect(fit.coefficient("x2") == nil)
        #expect(DistributionTests.relativelyClose(fit.coefficient("x") ?? 0, 0.19483767838527774, 1e-9))
    }

    @Test("Anscombe-residual weights as algo.farrington.assign.weights")
    func reweighting() {
        let w = FarringtonModel.weights([-1, 0.5, 2, 3, 1.2], threshold: 1)
        let r = [1.6363636363636362, 1.6363636363636362, 0.40909090909090906, 0.1818181818181818, 1.1363636363636365]
        for (a, b) in zip(w, r) { #expect(DistributionTests.relativelyClose(a, b, 1e-14)) }
    }
}
