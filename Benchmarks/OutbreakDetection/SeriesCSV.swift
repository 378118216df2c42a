import Foundation

/// The benchmark's series file: one CSV in long format, `series,region,disease,week,count`, one row per
/// series and week (week 1-based, as R's index), series one after the other. R reads the same file.
enum SeriesCSV {
    static let header = "series,region,disease,week,count"

    static func write(_ series: [BenchmarkSeries], to path: String) throws(BenchmarkError) {
        var text = header + "\n"
        text.reserveCapacity(series.count * BenchmarkData.weeks * 20)
        for entry in series {
            for (offset, count) in entry.counts.enumerated() {
                text += "\(entry.name),\(entry.region),\(entry.disease),\(offset + 1),\(count)\n"
            }
        }
        try TextFile.write(text, to: path)
    }

    static func read(from path: String) throws(BenchmarkError) -> [BenchmarkSeries] {
        let text = try TextFile.read(path)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
        guard let first = lines.popFirst(), first == header else {
            throw .badCSV(path: path, line: 1, reason: "expected the header \(header)")
        }
        var series: [BenchmarkSeries] = []
        var current: (name: String, region: Int, disease: Int, counts: [Int])?
        for (offset, line) in lines.enumerated() {
            let lineNumber = offset + 2
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 5, let region = Int(fields[1]), let disease = Int(fields[2]),
                  let week = Int(fields[3]), let count = Int(fields[4]), count >= 0 else {
                throw .badCSV(path: path, line: lineNumber, reason: "expected name,region,disease,week,count with non-negative integers")
            }
            let name = String(fields[0])
            if current?.name != name {
                if let done = current {
                    series.append(BenchmarkSeries(name: done.name, region: done.region, disease: done.disease, counts: done.counts))
                }
                current = (name, region, disease, [])
            }
            guard week == (current?.counts.count ?? 0) + 1 else {
                throw .badCSV(path: path, line: lineNumber, reason: "week \(week) of \(name) is out of order")
            }
            current?.counts.append(count)
        }
        if let done = current {
            series.append(BenchmarkSeries(name: done.name, region: done.region, disease: done.disease, counts: done.counts))
        }
        return series
    }
}

/// Whole-file text I/O with the benchmark's errors.
enum TextFile {
    static func read(_ path: String) throws(BenchmarkError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .cannotRead(path: path, reason: "\(error.localizedDescription)")
        }
    }

    static func write(_ text: String, to path: String) throws(BenchmarkError) {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw .cannotWrite(path: path, reason: "\(error.localizedDescription)")
        }
    }
}
