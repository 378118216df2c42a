import Foundation
import SQLKit

/// Versioned schema changes. A migration is applied once, in order, inside a transaction; running
/// `migrate` again applies nothing.
public struct Migration: Sendable {
    public let version: Int
    public let description: String
    let statements: @Sendable (DatabaseKind) -> [String]
}

public enum Migrations {
    /// The search index tables, one per search parameter type. Each row points at `resources.seq` and carries
    /// the patient compartment so that the tables can be distributed by patient together with `resources`.
    static let indexTables = ["sp_string", "sp_token", "sp_date", "sp_number", "sp_quantity", "sp_reference", "sp_uri"]

    public static let all: [Migration] = [
        Migration(version: 1, description: "resources, history and search index") { kind in
            let serial = kind == .sqlite ? "INTEGER PRIMARY KEY" : "BIGSERIAL PRIMARY KEY"
            let text = kind == .sqlite ? "TEXT" : "TEXT COLLATE \"C\""
            return [
                """
                CREATE TABLE resources (seq \(serial), res_type TEXT NOT NULL, res_id TEXT NOT NULL,
                  version_id BIGINT NOT NULL, last_updated TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0,
                  compartment TEXT, content TEXT NOT NULL, UNIQUE (res_type, res_id))
                """,
                "CREATE INDEX resources_type_updated ON resources (res_type, last_updated)",
                "CREATE INDEX resources_compartment ON resources (compartment)",
                """
                CREATE TABLE resource_history (hseq \(serial), res_type TEXT NOT NULL, res_id TEXT NOT NULL,
                  version_id BIGINT NOT NULL, last_updated TEXT NOT NULL, deleted SMALLINT NOT NULL DEFAULT 0,
                  method TEXT NOT NULL, compartment TEXT, content TEXT, UNIQUE (res_type, res_id, version_id))
                """,
                "CREATE INDEX history_updated ON resource_history (last_updated)",
                "CREATE INDEX history_type_updated ON resource_history (res_type, last_updated)",
                "CREATE TABLE sp_string (seq BIGINT NOT NULL, res_type TEXT NOT NULL, param TEXT NOT NULL, compartment TEXT, norm \(text) NOT NULL, exact \(text) NOT NULL)",
                "CREATE INDEX sp_string_value ON sp_string (res_type, param, norm)",
                "CREATE INDEX sp_string_seq ON sp_string (seq)",
                "CREATE TABLE sp_token (seq BIGINT NOT NULL, res_type TEXT NOT NULL, param TEXT NOT NULL, compartment TEXT, system TEXT, code TEXT, text TEXT)",
                "CREATE INDEX sp_token_value ON sp_token (res_type, param, code, system)",
                "CREATE INDEX sp_token_seq ON sp_token (seq)",
                "CREATE TABLE sp_date (seq BIGINT NOT NULL, res_type TEXT NOT NULL, param TEXT NOT NULL, compartment TEXT, lo BIGINT NOT NULL, hi BIGINT NOT NULL)",
                "CREATE INDEX sp_date_value ON sp_date (res_type, param, lo, hi)",
                "CREATE INDEX sp_date_seq ON sp_date (seq)",
                "CREATE TABLE sp_number (seq BIGINT NOT NULL, res_type TEXT NOT NULL, param TEXT NOT NULL, compartment TEXT, value DOUBLE PRECISION NOT NULL)",
                "CREATE INDEX sp_number_value ON sp_number (res_type, param, value)",
                "CREATE INDEX sp_number_seq ON sp_number (seq)",
                "CREATE TABLE sp_quantity (seq BIGINT NOT NULL, res_type TEXT NOT NULL, param TEXT NOT NULL, compartment TEXT, value DOUBLE PRECISION NOT NULL, system TEXT, code TEXT)",
                "CREATE INDEX sp_quantity_value ON sp_quantity (res_type, param, value)",
                "CREATE INDEX sp_quantity_seq ON sp_quantity (seq)",
                "CREATE TABLE sp_reference (seq BIGINT NOT NULL, res_type TEXT NOT NULL, param TEXT NOT NULL, compartment TEXT, target_type TEXT, target_id TEXT, url TEXT)",
                "CREATE INDEX sp_reference_value ON sp_reference (res_type, param, target_id)",
                "CREATE INDEX sp_reference_target ON sp_reference (target_type, target_id)",
                "CREATE INDEX sp_reference_seq ON sp_reference (seq)",
                "CREATE TABLE sp_uri (seq BIGINT NOT NULL, res_type TEXT NOT NULL, param TEXT NOT NULL, compartment TEXT, value \(text) NOT NULL)",
                "CREATE INDEX sp_uri_value ON sp_uri (res_type, param, value)",
                "CREATE INDEX sp_uri_seq ON sp_uri (seq)",
                "CREATE TABLE import_files (digest TEXT PRIMARY KEY, name TEXT NOT NULL, resources BIGINT NOT NULL, imported_at TEXT NOT NULL)",
            ]
        },
        // A search criterion becomes `seq IN (SELECT seq FROM sp_x WHERE …)`; with `seq` in the value index the
        // list comes from the index alone instead of one table lookup per matching row (4 ms → 1 ms for a
        // patient's 1,277 Observations in the sample data).
        Migration(version: 2, description: "covering search indexes") { _ in
            let indexes: [(String, String)] = [
                ("sp_string", "res_type, param, norm, seq"),
                ("sp_token", "res_type, param, code, system, seq"),
                ("sp_date", "res_type, param, lo, hi, seq"),
                ("sp_number", "res_type, param, value, seq"),
                ("sp_quantity", "res_type, param, value, seq"),
                ("sp_reference", "res_type, param, target_id, target_type, seq"),
                ("sp_uri", "res_type, param, value, seq"),
            ]
            return indexes.flatMap { table, columns in
                ["DROP INDEX \(table)_value", "CREATE INDEX \(table)_value ON \(table) (\(columns))"]
            }
        },
        // Identity (module Identity): accounts, refresh tokens, revoked access tokens, and server settings such as
        // a generated token-signing key. Kept in the one versioned sequence so that `migrate` covers everything.
        Migration(version: 3, description: "accounts and tokens") { _ in
            [
                """
                CREATE TABLE accounts (id TEXT PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
                  role TEXT NOT NULL, organization TEXT, practitioner TEXT, iin TEXT, region TEXT,
                  disabled SMALLINT NOT NULL DEFAULT 0, failed_attempts INTEGER NOT NULL DEFAULT 0, locked_until TEXT,
                  created_at TEXT NOT NULL)
                """,
                "CREATE UNIQUE INDEX accounts_iin ON accounts (iin)",
                """
                CREATE TABLE refresh_tokens (token_hash TEXT PRIMARY KEY, account_id TEXT NOT NULL, expires_at TEXT NOT NULL,
                  revoked SMALLINT NOT NULL DEFAULT 0, created_at TEXT NOT NULL)
                """,
                "CREATE INDEX refresh_tokens_account ON refresh_tokens (account_id)",
                "CREATE TABLE revoked_tokens (jti TEXT PRIMARY KEY, expires_at TEXT NOT NULL)",
                "CREATE TABLE settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            ]
        },
        // Audit (module Audit): the append-only, hash-chained record of access to health data.
        Migration(version: 4, description: "audit trail") { kind in
            let serial = kind == .sqlite ? "INTEGER PRIMARY KEY" : "BIGSERIAL PRIMARY KEY"
            return [
                """
                CREATE TABLE audit_log (seq \(serial), recorded TEXT NOT NULL, actor TEXT NOT NULL, role TEXT,
                  organization TEXT, patient TEXT, action TEXT NOT NULL, target TEXT NOT NULL, outcome INTEGER NOT NULL,
                  source TEXT, purpose TEXT, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)
                """,
                "CREATE INDEX audit_log_patient ON audit_log (patient, seq)",
            ]
        },
        // Identity: integration clients (a medical information system) for the OAuth2 client-credentials grant.
        Migration(version: 5, description: "integration clients") { _ in
            [
                """
                CREATE TABLE clients (id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_hash TEXT NOT NULL, organization TEXT NOT NULL,
                  scopes TEXT NOT NULL, disabled SMALLINT NOT NULL DEFAULT 0, created_at TEXT NOT NULL)
                """,
            ]
        },
        // Audit: the database itself refuses to change or remove audit rows. The hash chain still catches a
        // change by someone who can drop these triggers (`densauluq audit verify`).
        Migration(version: 6, description: "append-only audit trail") { kind in
            switch kind {
            case .sqlite:
                return [
                    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
                    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
                ]
            case .postgres:
                return [
                    "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
                    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
                    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
                ]
            }
        },
        // PrimaryCare: the current attachment of each person (the active `attachment` EpisodeOfCare), one row per
        // person — the primary key is the "exactly one active attachment" rule — counted per catchment area for
        // its capacity. Written only by the attachment service, in the same transaction as the EpisodeOfCare.
        Migration(version: 7, description: "current attachments") { _ in
            [
                """
                CREATE TABLE attachments (patient TEXT PRIMARY KEY, organization TEXT NOT NULL, area TEXT NOT NULL,
                  episode TEXT NOT NULL, since TEXT NOT NULL)
                """,
                "CREATE INDEX attachments_area ON attachments (area)",
                "CREATE INDEX attachments_organization ON attachments (organization)",
            ]
        },
        // PrimaryCare booking: one row per booked slot — the primary key is "no double booking" even if two
        // requests pass every other check at once — and the reminders already sent.
        Migration(version: 8, description: "bookings and reminders") { _ in
            [
                "CREATE TABLE bookings (slot TEXT PRIMARY KEY, appointment TEXT NOT NULL)",
                "CREATE INDEX bookings_appointment ON bookings (appointment)",
                "CREATE TABLE reminders (appointment TEXT PRIMARY KEY, communication TEXT NOT NULL, sent TEXT NOT NULL)",
            ]
        },
        // Surveillance: one row per case of a notifiable disease (its Condition), the journal and the source of the
        // counts; and the signals of outbreak detection per disease, region and period.
        Migration(version: 9, description: "surveillance cases and signals") { _ in
            [
                """
                CREATE TABLE surveillance_cases (condition TEXT PRIMARY KEY, patient TEXT NOT NULL, disease TEXT NOT NULL,
                  code TEXT NOT NULL, region TEXT NOT NULL, district TEXT, settlement TEXT, organization TEXT NOT NULL,
                  onset TEXT NOT NULL, diagnosed TEXT NOT NULL, status TEXT NOT NULL, laboratory SMALLINT NOT NULL,
                  notifications INTEGER NOT NULL, electronic INTEGER NOT NULL, received TEXT NOT NULL, updated TEXT NOT NULL)
                """,
                "CREATE INDEX surveillance_cases_series ON surveillance_cases (disease, region, onset)",
                "CREATE INDEX surveillance_cases_patient ON surveillance_cases (patient, disease)",
                "CREATE INDEX surveillance_cases_organization ON surveillance_cases (organization, onset)",
                """
                CREATE TABLE surveillance_signals (disease TEXT NOT NULL, region TEXT NOT NULL, algorithm TEXT NOT NULL,
                  period TEXT NOT NULL, observed INTEGER NOT NULL, expected DOUBLE PRECISION, upperbound DOUBLE PRECISION,
                  score DOUBLE PRECISION, alarm SMALLINT NOT NULL, task TEXT, computed TEXT NOT NULL,
                  PRIMARY KEY (disease, region, algorithm, period))
                """,
                "CREATE INDEX surveillance_signals_alarm ON surveillance_signals (region, alarm, period)",
                // Infectious-disease bed reports (seed 000, 2.6): one per hospital and day, the latest counts.
                """
                CREATE TABLE surveillance_beds (organization TEXT NOT NULL, day TEXT NOT NULL, region TEXT NOT NULL,
                  deployed INTEGER NOT NULL, occupied INTEGER NOT NULL, report TEXT NOT NULL, PRIMARY KEY (organization, day))
                """,
                "CREATE INDEX surveillance_beds_region ON surveillance_beds (region, day)",
            ]
        },
        // Where district doctors last said they were (their phone, on the way between home visits): the nearest
        // doctor for a home visit is reckoned from it while it is fresh.
        Migration(version: 10, description: "doctors' reported positions") { _ in
            [
                """
                CREATE TABLE practitioner_positions (role TEXT PRIMARY KEY, latitude DOUBLE PRECISION NOT NULL,
                  longitude DOUBLE PRECISION NOT NULL, reported TEXT NOT NULL)
                """,
            ]
        },
        // Strategy monitoring (issue 7): the executors' progress on the state plans' measures per reporting period,
        // and the indicators' facts entered with their source (computed ones are MeasureReports).
        Migration(version: 11, description: "plan progress and indicator facts") { _ in
            [
                """
                CREATE TABLE plan_progress (plan TEXT NOT NULL, measure TEXT NOT NULL, period TEXT NOT NULL, executor TEXT NOT NULL,
                  status TEXT NOT NULL, progress TEXT NOT NULL, evidence TEXT, submitted_by TEXT NOT NULL, submitted TEXT NOT NULL,
                  revision INTEGER NOT NULL, PRIMARY KEY (plan, period, executor, measure))
                """,
                """
                CREATE TABLE indicator_facts (plan TEXT NOT NULL, indicator TEXT NOT NULL, year INTEGER NOT NULL, region TEXT NOT NULL,
                  value TEXT NOT NULL, source TEXT NOT NULL, entered_by TEXT NOT NULL, entered TEXT NOT NULL,
                  PRIMARY KEY (plan, indicator, year, region))
                """,
            ]
        },
        // PostgreSQL estimates `res_type = … AND param = … AND code IN (…)` as if the columns were independent, and
        // so thinks a criterion that matches a million Encounters matches eighteen thousand: it then joins the
        // search's sub-selects by nested loops (a count over 1 M Encounters took 22 s; with these statistics 1.8 s).
        // Extended statistics tell it that `param` depends on `res_type` and which (type, parameter, code) are common.
        Migration(version: 12, description: "extended statistics of the search index") { kind in
            guard kind == .postgres else { return [] }
            return indexTables.flatMap { table -> [String] in
                let columns = ["sp_token", "sp_quantity"].contains(table) ? "res_type, param, code" : "res_type, param"
                let kinds = columns.contains("code") ? "dependencies, mcv" : "dependencies"
                return ["CREATE STATISTICS IF NOT EXISTS \(table)_columns (\(kinds)) ON \(columns) FROM \(table)", "ANALYZE \(table)"]
            }
        },
        // Counting what is live: `Patient?_summary=count` filters `deleted = 0`, which the type's index did not hold,
        // so a count read the whole resources table (3 GB at a million people: 2.8 s on a cold cache); with the
        // column in the index it is an index-only scan (0.06 s). And the encounters by class and start that the
        // platform's indicators count (`LiveIndicators`): two narrow partial indexes by `seq` (31 MB each at a
        // million encounters) instead of the general ones (2 GB), so the yearly pass reads 0.7 s instead of 4.7 s
        // of index pages on a cold cache — and stays an index-only merge of two small files when warm.
        Migration(version: 13, description: "indexes for counting live resources and encounters") { _ in
            [
                "CREATE INDEX resources_type_live ON resources (res_type, deleted, last_updated)",
                "DROP INDEX resources_type_updated",
                "CREATE INDEX sp_token_encounter_class ON sp_token (seq, code) WHERE res_type = 'Encounter' AND param = 'class'",
                "CREATE INDEX sp_date_encounter_date ON sp_date (seq, lo) WHERE res_type = 'Encounter' AND param = 'date'",
            ]
        },
        // The same for the organisation of each visit, so the indicators count visits per region (40 MB at a
        // million encounters; the regional pass takes 1.4 s warm, 1.8 s cold).
        Migration(version: 14, description: "index of the encounters' organisations") { _ in
            ["CREATE INDEX sp_reference_encounter_provider ON sp_reference (seq, target_id) WHERE res_type = 'Encounter' AND param = 'service-provider'"]
        },
        // A clinician's access is a probe per patient: a care reference to the clinician's organisation or to
        // the clinician in that patient's compartment (`PatientSets.careOf`). With the compartment in the index of
        // references by target, the probe is one index range instead of all references to the organisation.
        Migration(version: 15, description: "references by target and patient") { _ in
            [
                "DROP INDEX sp_reference_target",
                "CREATE INDEX sp_reference_target ON sp_reference (target_type, target_id, compartment)",
            ]
        },
        // Bulk Data export (`$export`): the jobs, and their output as NDJSON in parts of up to a thousand resources,
        // kept in the database so that any server in front of it can answer the status and file requests.
        Migration(version: 16, description: "bulk data export") { _ in
            [
                """
                CREATE TABLE export_jobs (id TEXT PRIMARY KEY, owner TEXT NOT NULL, request TEXT NOT NULL, level TEXT NOT NULL,
                  types TEXT NOT NULL, since TEXT, transaction_time TEXT NOT NULL, status TEXT NOT NULL, done_types INTEGER NOT NULL,
                  error TEXT, finished_at TEXT)
                """,
                """
                CREATE TABLE export_parts (job TEXT NOT NULL, res_type TEXT NOT NULL, part INTEGER NOT NULL, resources INTEGER NOT NULL,
                  content TEXT NOT NULL, PRIMARY KEY (job, res_type, part))
                """,
            ]
        },
        // A running export job says it is alive every few seconds; a job whose server stopped (a restart, a crash)
        // stops saying so and is then reported as failed instead of running for ever.
        Migration(version: 17, description: "export jobs' heartbeat") { _ in
            ["ALTER TABLE export_jobs ADD COLUMN heartbeat TEXT"]
        },
    ]

    /// The statements that remove the append-only guard of `audit_log` — what an attacker with the database
    /// owner's rights could do; tests use it to show that the hash chain still finds the change.
    public static func dropAuditGuard(_ kind: DatabaseKind) -> [String] {
        switch kind {
        case .sqlite: ["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"]
        case .postgres: ["DROP TRIGGER audit_log_no_change ON audit_log", "DROP TRIGGER audit_log_no_truncate ON audit_log"]
        }
    }

    /// Applies the migrations not yet applied; returns the versions applied now.
    @discardableResult
    public static func run(on database: Database) async throws -> [Int] {
        try await database.read { db in
            try await db.raw("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)").run()
        }
        var applied: [Int] = []
        for migration in all {
            let done = try await database.transaction { db -> Bool in
                let existing = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)").all()
                if !existing.isEmpty { return false }
                for statement in migration.statements(database.kind) {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw("INSERT INTO schema_migrations (version, description, applied_at) VALUES (\(bind: migration.version), \(bind: migration.description), \(bind: Instant.now().iso))").run()
                return true
            }
            if done { applied.append(migration.version) }
        }
        return applied
    }

    /// The highest applied version (0 for an empty database).
    public static func currentVersion(of database: Database) async throws -> Int {
        try await database.read { db in
            let rows = try await db.raw("SELECT MAX(version) AS v FROM schema_migrations").all()
            return try rows.first?.decodeNil(column: "v") == false ? (try rows.first?.decode(column: "v", as: Int.self) ?? 0) : 0
        }
    }
}
