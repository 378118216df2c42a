import Foundation

/// The QR decomposition by Householder reflections with R's limited column pivoting (LINPACK
/// `dqrdc2` as modified for R): a column whose remaining norm falls below `tolerance` times its
/// original norm is moved to the end and not used, which gives the numerical rank.
///
/// The matrix is stored column-major; the reflectors are kept in the compact LINPACK form
/// (`qr` below the diagonal plus `qraux`), so that `Q` and `Qᵀ` can be applied to vectors.
struct HouseholderQR: Sendable {
    let rows: Int
    let columns: Int
    /// R in the upper triangle, the Householder vectors below it (column-major, rows × columns).
    private(set) var qr: [Double]
    private(set) var qraux: [Double]
    /// `pivot[j]` is the original column now at position j.
    private(set) var pivot: [Int]
    /// The numerical rank: the first `rank` pivoted columns are used.
    private(set) var rank: Int

    init(matrix: [Double], rows: Int, columns: Int, tolerance: Double) {
        precondition(matrix.count == rows * columns)
        self.rows = rows
        self.columns = columns
        var x = matrix
        var qraux = [Double](repeating: 0, count: columns)
        var original = [Double](repeating: 0, count: columns)   // work(,2): the original norms
        var current = [Double](repeating: 0, count: columns)    // work(,1)
        var pivot = Array(0..<columns)
        let n = rows, p = columns

        // The Euclidean norm of rows row..<n of a column; the scaled (overflow-safe) sum only when
        // the plain one overflows or underflows.
        func norm(_ column: Int, from row: Int) -> Double {
            x.withUnsafeBufferPointer { buffer in
                var sum = 0.0
                for i in row..<n { sum += buffer[column * n + i] * buffer[column * n + i] }
                if sum.isFinite && sum > 1e-280 { return sum.squareRoot() }
                var scale = 0.0, ssq = 1.0
                for i in row..<n {
                    let v = buffer[column * n + i]
                    if v != 0 {
                        let a = abs(v)
                        if scale < a { ssq = 1 + ssq * (scale / a) * (scale / a); scale = a } else { ssq += (a / scale) * (a / scale) }
                    }
                }
                return scale * ssq.squareRoot()
            }
        }

        for j in 0..<p {
            qraux[j] = norm(j, from: 0)
            current[j] = qraux[j]
            original[j] = qraux[j] == 0 ? 1 : qraux[j]
        }
        let lup = min(n, p)
        var k = p + 1   // LINPACK's k, 1-based: columns from k on are the negligible ones
        for l in 0..<lup {
            // Move negligible columns to the end.
            while l + 1 < k && qraux[l] < original[l] * tolerance {
                let column = Array(x[(l * n)..<(l * n + n)])
                for j in (l + 1)..<p {
                    for i in 0..<n { x[(j - 1) * n + i] = x[j * n + i] }
                }
                for i in 0..<n { x[(p - 1) * n + i] = column[i] }
                let (pv, qa, cu, or) = (pivot[l], qraux[l], current[l], original[l])
                for j in (l + 1)..<p {
                    pivot[j - 1] = pivot[j]; qraux[j - 1] = qraux[j]
                    current[j - 1] = current[j]; original[j - 1] = original[j]
                }
                pivot[p - 1] = pv; qraux[p - 1] = qa; current[p - 1] = cu; original[p - 1] = or
                k -= 1
            }
            if l == n - 1 { break }
            var nrmxl = norm(l, from: l)
            if nrmxl == 0 { continue }
            let diagonal = l * n + l
            if x[diagonal] != 0 { nrmxl = x[diagonal] < 0 ? -abs(nrmxl) : abs(nrmxl) }
            x.withUnsafeMutableBufferPointer { buffer in
                guard let base = buffer.baseAddress else { return }
                let v = base + diagonal          // the reflector, rows l..<n of column l
                let length = n - l
                let scale = 1 / nrmxl
                for i in 0..<length { v[i] *= scale }
                v[0] = 1 + v[0]
                // The columns' dot products with the reflector are independent: up to four at a time, each summed
                // in LINPACK's sequential order (R's rank decisions on degenerate columns depend on those last bits),
                // so that the additions of different columns overlap in the pipeline.
                var j = l + 1
                while j + 4 <= p {
                    let c0 = base + j * n + l, c1 = c0 + n, c2 = c1 + n, c3 = c2 + n
                    var d0 = 0.0, d1 = 0.0, d2 = 0.0, d3 = 0.0
                    for i in 0..<length {
                        let vi = v[i]
                        d0 += vi * c0[i]; d1 += vi * c1[i]; d2 += vi * c2[i]; d3 += vi * c3[i]
                    }
                    let t0 = -d0 / v[0], t1 = -d1 / v[0], t2 = -d2 / v[0], t3 = -d3 / v[0]
                    for i in 0..<length {
                        let vi = v[i]
                        c0[i] += t0 * vi; c1[i] += t1 * vi; c2[i] += t2 * vi; c3[i] += t3 * vi
                    }
                    j += 4
                }
                while j < p {
                    let c = base + j * n + l     // rows l..<n of column j
                    var dot = 0.0
                    for i in 0..<length { dot += v[i] * c[i] }
                    let t = -dot / v[0]
                    for i in 0..<length { c[i] += t * v[i] }
                    j += 1
                }
            }
            for j in (l + 1)..<max(l + 1, p) where qraux[j] != 0 {
                let ratio = abs(x[j * n + l]) / qraux[j]
                let tt = max(1 - ratio * ratio, 0)
                if abs(tt) < 1e-6 {
                    qraux[j] = norm(j, from: l + 1)
                    current[j] = qraux[j]
                } else {
                    qraux[j] *= tt.squareRoot()
                }
            }
            qraux[l] = x[diagonal]
            x[diagonal] = -nrmxl
        }
        self.qr = x
        self.qraux = qraux
        self.pivot = pivot
        self.rank = min(k - 1, n)
    }

    /// Applies the reflectors: `transpose == true` gives `Qᵀy`, otherwise `Qy`.
    private func apply(_ y: inout [Double], transpose: Bool) {
        y.withUnsafeMutableBufferPointer { y in
            guard let yBase = y.baseAddress else { return }
            apply(yBase, transpose: transpose)
        }
    }

    private func apply(_ y: UnsafeMutablePointer<Double>, transpose: Bool) {
        let n = rows
        let count = min(rank, n - 1)
        guard count > 0 else { return }
        qr.withUnsafeBufferPointer { q in
            qraux.withUnsafeBufferPointer { qraux in
                guard let qBase = q.baseAddress else { return }
                for step in 0..<count {
                    let j = transpose ? step : count - 1 - step
                    guard qraux[j] != 0 else { continue }
                    // The reflector of column j has qraux[j] on the diagonal and qr below it.
                    let v = qBase + j * n + j + 1
                    let rest = y + j + 1
                    var dot = qraux[j] * y[j]
                    for i in 0..<(n - j - 1) { dot += v[i] * rest[i] }
                    let t = -dot / qraux[j]
                    y[j] += t * qraux[j]
                    for i in 0..<(n - j - 1) { rest[i] += t * v[i] }
                }
            }
        }
    }

    /// The least-squares coefficients for the right-hand side `y`, in pivoted order; the entries
    /// beyond the rank are 0 (as LINPACK's `dqrls` sets them).
    func solve(_ y: [Double]) -> [Double] {
        var qty = y
        apply(&qty, transpose: true)
        var b = [Double](repeating: 0, count: columns)
        for j in 0..<rank { b[j] = qty[j] }
        for j in stride(from: rank - 1, through: 0, by: -1) {
            b[j] /= qr[j * rows + j]
            let t = -b[j]
            for i in 0..<j { b[i] += t * qr[j * rows + i] }
        }
        return b
    }

    /// The element (i, j) of the triangular factor R (pivoted order), for i, j < rank.
    func r(_ i: Int, _ j: Int) -> Double { i <= j ? qr[j * rows + i] : 0 }

    /// The diagonal of the hat matrix `Q Qᵀ` over the first `rank` columns of Q, with values within
    /// `10·ε` of 1 set to 1 (R's `lm.influence`).
    func hatDiagonal() -> [Double] {
        var hat = [Double](repeating: 0, count: rows)
        var e = [Double](repeating: 0, count: rows)
        e.withUnsafeMutableBufferPointer { e in
            guard let base = e.baseAddress else { return }
            for j in 0..<rank {
                for i in 0..<rows { e[i] = 0 }
                e[j] = 1
                apply(base, transpose: false)
                for i in 0..<rows { hat[i] += e[i] * e[i] }
            }
        }
        let limit = 1 - 10 * Double.ulpOfOne
        return hat.map { $0 >= limit ? 1 : $0 }
    }

    /// Solves `Rᵀ u = v` for the leading `rank × rank` block (forward substitution).
    func solveRTransposed(_ v: [Double]) -> [Double] {
        var u = [Double](repeating: 0, count: rank)
        for i in 0..<rank {
            var s = v[i]
            for k in 0..<i { s -= r(k, i) * u[k] }
            u[i] = s / r(i, i)
        }
        return u
    }

    /// `(RᵀR)⁻¹` of the leading `rank × rank` block (R's `chol2inv`), in pivoted order.
    func inverseOfRTR() -> [[Double]] {
        // Columns of R⁻¹ by back substitution, then R⁻¹ R⁻ᵀ.
        var rInverse = [[Double]](repeating: [Double](repeating: 0, count: rank), count: rank)
        for c in 0..<rank {
            for i in stride(from: c, through: 0, by: -1) {
                var s = i == c ? 1.0 : 0.0
                for k in (i + 1)..<(c + 1) where k <= c { s -= r(i, k) * rInverse[k][c] }
                rInverse[i][c] = s / r(i, i)
            }
        }
        var out = [[Double]](repeating: [Double](repeating: 0, count: rank), count: rank)
        for i in 0..<rank {
            for j in 0..<rank {
                var s = 0.0
                for k in max(i, j)..<rank { s += rInverse[i][k] * rInverse[j][k] }
                out[i][j] = s
            }
        }
        return out
    }
}
