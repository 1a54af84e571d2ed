/**
 * Operators import the research house's existing clients from CSV (email, name, locale).
 * Each imported address gets a verification e-mail and nothing else until its owner
 * confirms it. `dryRun` reports what would happen and changes nothing. A risk profile
 * column is read but not applied above conservative: a profile comes from the client's
 * own suitability questionnaire (CVM Resolution 30), so such rows are imported as
 * conservative and named in `notes`.
 */
import { parse } from "csv-parse/sync";
import { Errors } from "moleculer";
import type { ImportReport } from "../../domain/contracts.ts";
import {
	type Locale,
	locales,
	personNamePattern,
	type RiskProfile,
	riskProfiles,
} from "../../domain/subscriber.ts";

export interface ImportedClient {
	email: string;
	name: string;
	locale: Locale;
}

const emailPattern = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

function rowsOf(csv: string): Record<string, string>[] {
	try {
		return parse(csv, {
			columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
			skip_empty_lines: true,
			trim: true,
			bom: true,
			delimiter: (csv.split("\n", 1)[0] ?? "").includes(";") ? ";" : ",",
		});
	} catch (err) {
		throw new Errors.ValidationError(`The CSV cannot be read: ${(err as Error).message}`, "INVALID_CSV");
	}
}

export async function importClients(
	csv: string,
	dryRun: boolean,
	store: { exists(email: string): Promise<boolean>; create(client: ImportedClient): Promise<void> },
): Promise<ImportReport> {
	const rows = rowsOf(csv);
	if (rows.length > 0 && !("email" in (rows[0] ?? {})))
		throw new Errors.ValidationError(
			"The CSV needs a header row with at least email and name.",
			"INVALID_CSV",
		);
	const report: ImportReport = { dryRun, rows: rows.length, created: 0, skipped: [], notes: [] };
	const seen = new Set<string>();
	for (const [index, row] of rows.entries()) {
		const line = index + 2;
		const email = (row.email ?? "").toLowerCase();
		const name = row.name ?? "";
		const locale = (row.locale || "pt-BR") as Locale;
		const riskProfile = (row.riskprofile || row.risk_profile || "conservative") as RiskProfile;
		const reason = !emailPattern.test(email)
			? "not a valid e-mail address"
			: name === "" || name.length > 80 || !personNamePattern.test(name)
				? "name missing, over 80 characters or not a person's name"
				: !locales.includes(locale)
					? `locale must be one of ${locales.join(", ")}`
					: !riskProfiles.includes(riskProfile)
						? `risk profile must be one of ${riskProfiles.join(", ")}`
						: seen.has(email)
							? "listed twice in this file"
							: (await store.exists(email))
								? "already a subscriber"
								: undefined;
		seen.add(email);
		if (reason) {
			report.skipped.push({ row: line, email: email || undefined, reason });
			continue;
		}
		if (!dryRun) await store.create({ email, name, locale });
		report.created++;
		if (riskProfile !== "conservative")
			report.notes.push({
				row: line,
				email,
				note: `imported as conservative, not ${riskProfile}: the profile comes from the client's suitability questionnaire`,
			});
	}
	return report;
}
