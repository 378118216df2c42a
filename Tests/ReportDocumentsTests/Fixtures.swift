import Foundation
import ReportDocuments

/// Reports shaped like the ministry's consolidated report on the state plans.
enum Fixtures {
    static let created = Date(timeIntervalSince1970: 1_767_225_600) // 2026-01-01T00:00:00Z
    static let kazakh = "Қазақстан Республикасы Денсаулық сақтау министрлігі: әғқңөұүһі ӘҒҚҢӨҰҮҺІ"
    static let tricky = "Tom & Jerry <b>\"quoted\" 'single'</b>"

    static func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? .nan }

    /// Measures with status and progress text: `columns` columns (at least 3).
    static func measures(columns: Int = 4) -> ReportTable {
        let extra = max(columns - 3, 0)
        return ReportTable(
            caption: "Таблица 1. Мероприятия",
            header: ["Мероприятие", "Статус", "Ход исполнения"] + (0..<extra).map { "Колонка \($0 + 4)" },
            rows: [
                ReportRow([.text("Прикрепление к ПМСП"), "исполнено", .text(kazakh)] + Array(repeating: Cell.empty, count: extra)),
                ReportRow([.text(tricky), "просрочено", "Исполнитель: МЗ РК\nВторая строка"] + Array(repeating: Cell.empty, count: extra),
                          emphasis: .alert),
            ]
        )
    }

    /// Indicators with plan and fact per year.
    static let indicators = ReportTable(
        caption: "Таблица 2. Индикаторы",
        header: ["Индикатор", "Год", "План", "Факт", "Исполнение"],
        rows: [
            ReportRow(["Охват скринингом", "2024", .number(1_234_567, fractionDigits: 0), .number(decimal("1234.5"), fractionDigits: 1),
                       .percent(decimal("0.875"), fractionDigits: 1)]),
            ReportRow(["Итого", "2025", .number(decimal("-0.04"), fractionDigits: 1), .empty, .percent(1, fractionDigits: 0)],
                      emphasis: .bold),
        ]
    )

    static func document(orientation: PageOrientation = .automatic, numberStyle: NumberStyle = .ru, measureColumns: Int = 4) -> ReportDocument {
        ReportDocument(
            title: "Сводный отчёт & <итоги>",
            subtitle: "за 2025 год",
            metadata: DocumentMetadata(author: "Министерство здравоохранения", created: created, language: "kk-KZ"),
            numberStyle: numberStyle,
            orientation: orientation,
            blocks: [
                .heading(level: 1, "1. Мероприятия"),
                .paragraph(" ведущий пробел и \u{0007}звонок\u{0001} " + tricky),
                .table(measures(columns: measureColumns)),
                .paragraph("Примечание", style: .note),
                .pageBreak,
                .heading(level: 2, "2. Индикаторы"),
                .heading(level: 3, kazakh),
                .table(indicators),
            ]
        )
    }
}
